package dev.steward.dnscheck.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The SPF record a customer should publish at the app host so that the server may send for it
 * (DNS-2): what they have, with {@code ip4:} and {@code ip6:} for the server added, every other
 * term kept exactly as written.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>No {@code v=spf1} record: propose {@code v=spf1 a ip4:<v4> ip6:<v6> ~all}.</li>
 *   <li>One record: insert {@code ip4:<v4> ip6:<v6>} before the {@code all} that takes effect (the
 *       first one), or when there is none, before {@code redirect=}, or else at the end. A family
 *       already authorized by an {@code ip4:}/{@code ip6:} with qualifier {@code +} whose network
 *       holds the address gets nothing added.</li>
 *   <li>Several records (a permerror for every receiver): one merged record, the first record with
 *       the other records' mechanisms that it lacks, and the advice to delete the others. Their
 *       {@code all}, {@code redirect=} and {@code exp=} are dropped when the first has its own.</li>
 * </ul>
 *
 * <p><b>Warnings</b> ({@link Warning.Kind}): more than 10 DNS-querying terms; {@code +all} or
 * {@code ?all}; no {@code all}; a {@code -}, {@code ~} or {@code ?} term that catches the server's
 * address before the added term is reached; a text over 255 octets (with the split into strings of
 * at most 255 octets, see {@link #zoneFileStrings}); over 450 octets (RFC 7208 §3.4); several
 * records; a record with a syntax error.
 *
 * <p>Thread safety: immutable.
 *
 * @param action          what the customer has to do
 * @param record          the one {@code v=spf1} record to publish (the existing one when KEEP)
 * @param replaces        the existing records it replaces: edit the first into {@code record},
 *                        delete the others (empty for CREATE)
 * @param added           the terms added, e.g. {@code [ip4:192.0.2.1, ip6:2001:db8::1]}
 * @param zoneFileStrings {@code record} cut into character-strings of at most 255 octets, for a TXT
 *                        record (one element when it fits in one)
 * @param warnings        what else the customer should know, most important first
 */
public record SpfProposal(Action action, String record, List<String> replaces, List<String> added,
        List<String> zoneFileStrings, List<Warning> warnings) {

    /** RFC 1035 §3.3: a character-string holds at most 255 octets. */
    public static final int MAX_STRING_OCTETS = 255;
    /** RFC 7208 §3.4: keep the record small enough for a 512-octet UDP answer. */
    public static final int ADVISED_MAX_OCTETS = 450;

    /** What the customer has to do. */
    public enum Action {
        /** The existing record already authorizes both addresses. */
        KEEP,
        /** Edit the one existing record into {@code record}. */
        UPDATE,
        /** There is no SPF record: create {@code record}. */
        CREATE,
        /** Several records exist: replace the first by {@code record} and delete the others. */
        MERGE
    }

    /** One piece of advice. Immutable. */
    public record Warning(Kind kind, String message) {
        /** What the warning is about, for rendering and tests. */
        public enum Kind {
            SEVERAL_RECORDS, INVALID_RECORD, PERMISSIVE_ALL, NO_ALL, BLOCKED_EARLIER, LOOKUP_LIMIT,
            STRING_SPLIT, UDP_SIZE
        }
    }

    public SpfProposal {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(record, "record");
        replaces = List.copyOf(replaces);
        added = List.copyOf(added);
        zoneFileStrings = List.copyOf(zoneFileStrings);
        warnings = List.copyOf(warnings);
    }

    /** The record as a zone file TXT value: {@code "v=spf1 ..." "...more"}. */
    public String zoneFileText() {
        List<String> quoted = new ArrayList<>();
        for (String string : zoneFileStrings) {
            quoted.add('"' + string.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return String.join(" ", quoted);
    }

    /** True when a warning of this kind was given. */
    public boolean warns(Warning.Kind kind) {
        return warnings.stream().anyMatch(w -> w.kind() == kind);
    }

    /** {@link #propose(List, InetAddress, InetAddress, OptionalInt)} without a known lookup count. */
    public static SpfProposal propose(List<String> txtRecords, InetAddress ipv4, InetAddress ipv6) {
        return propose(txtRecords, ipv4, ipv6, OptionalInt.empty());
    }

    /**
     * @param txtRecords        the TXT records at the app host (others than {@code v=spf1} are ignored)
     * @param ipv4              the server's IPv4 address, or null
     * @param ipv6              the server's IPv6 address, or null
     * @param evaluatedLookups  when known, the DNS-querying terms of the existing record including
     *                          those inside its includes and redirect: {@link SpfResult#dnsLookups()}
     *                          of an evaluation that went through every term (one that ended in no
     *                          match, or matched the final {@code all}). Used only with exactly one
     *                          existing record; otherwise includes are counted as one ("at least").
     * @throws IllegalArgumentException when both addresses are null or one is of the wrong family
     */
    public static SpfProposal propose(List<String> txtRecords, InetAddress ipv4, InetAddress ipv6,
            OptionalInt evaluatedLookups) {
        Objects.requireNonNull(txtRecords, "txtRecords");
        InetAddress v4 = ipv4 == null ? null : IpAddresses.effective(ipv4);
        InetAddress v6 = ipv6 == null ? null : IpAddresses.effective(ipv6);
        if (v4 == null && v6 == null) {
            throw new IllegalArgumentException("give at least one server address");
        }
        if (v4 != null && !(v4 instanceof Inet4Address) || v6 != null && v6 instanceof Inet4Address) {
            throw new IllegalArgumentException("ipv4 must be an IPv4 address and ipv6 an IPv6 address");
        }
        List<String> existing = txtRecords.stream().filter(SpfRecord::isSpf1).toList();
        List<Warning> warnings = new ArrayList<>();
        if (existing.isEmpty()) {
            List<String> added = new ArrayList<>();
            added.add("a");
            if (v4 != null) {
                added.add("ip4:" + IpAddresses.format(v4));
            }
            if (v6 != null) {
                added.add("ip6:" + IpAddresses.format(v6));
            }
            String record = "v=spf1 " + String.join(" ", added) + " ~all";
            return finish(Action.CREATE, record, List.of(), added, warnings, OptionalInt.empty());
        }

        List<Term> terms = terms(existing.getFirst());
        if (existing.size() > 1) {
            warnings.add(new Warning(Warning.Kind.SEVERAL_RECORDS, existing.size()
                    + " v=spf1 records are published at this name; receivers then give permerror for all mail"
                    + " (RFC 7208 §4.5). Publish only the proposed record and delete the other "
                    + (existing.size() - 1 == 1 ? "one" : existing.size() - 1 + " records") + "."));
            mergeOthers(terms, existing.subList(1, existing.size()), warnings);
        }
        for (String text : existing) {
            if (SpfRecord.parse(text) instanceof SpfRecord.Invalid invalid) {
                warnings.add(new Warning(Warning.Kind.INVALID_RECORD, "The record \"" + text + "\" has an error, so"
                        + " receivers give permerror for all mail: " + invalid.reason() + ". Fix it when you publish."));
            }
        }

        int insertAt = insertionPoint(terms);
        List<String> added = new ArrayList<>();
        if (v4 != null && !authorized(terms, insertAt, v4, warnings)) {
            added.add("ip4:" + IpAddresses.format(v4));
        }
        if (v6 != null && !authorized(terms, insertAt, v6, warnings)) {
            added.add("ip6:" + IpAddresses.format(v6));
        }
        List<String> texts = new ArrayList<>();
        for (Term term : terms) {
            texts.add(term.text());
        }
        texts.addAll(insertAt, added);
        String record = "v=spf1" + (texts.isEmpty() ? "" : " " + String.join(" ", texts));
        allWarnings(terms, warnings);
        Action action = existing.size() > 1 ? Action.MERGE : added.isEmpty() ? Action.KEEP : Action.UPDATE;
        if (action == Action.KEEP) {
            record = existing.getFirst(); // exactly as published, spacing included
        }
        return finish(action, record, existing, added, warnings,
                existing.size() == 1 ? evaluatedLookups : OptionalInt.empty());
    }

    /** One term as written, and what it parses to (null when it does not parse on its own). */
    private record Term(String text, SpfTerm parsed) {}

    private static List<Term> terms(String record) {
        List<Term> terms = new ArrayList<>();
        for (String piece : record.substring(6).split(" ")) {
            if (!piece.isEmpty()) {
                SpfTerm parsed = SpfRecord.parse("v=spf1 " + piece) instanceof SpfRecord.Valid valid
                        && !valid.record().terms().isEmpty() ? valid.record().terms().getFirst() : null;
                terms.add(new Term(piece, parsed));
            }
        }
        return terms;
    }

    private static void mergeOthers(List<Term> terms, List<String> others, List<Warning> warnings) {
        boolean hasAll = terms.stream().anyMatch(t -> isAll(t.parsed()));
        boolean hasRedirect = terms.stream().anyMatch(t -> t.parsed() instanceof SpfTerm.Modifier m && m.isRedirect());
        boolean hasExp = terms.stream().anyMatch(t -> t.parsed() instanceof SpfTerm.Modifier m && m.isExplanation());
        for (String other : others) {
            for (Term term : terms(other)) {
                boolean present = terms.stream().anyMatch(t -> t.text().equalsIgnoreCase(term.text()));
                boolean clash = isAll(term.parsed()) && hasAll
                        || term.parsed() instanceof SpfTerm.Modifier m && (m.isRedirect() && hasRedirect || m.isExplanation() && hasExp);
                if (present || clash) {
                    continue;
                }
                if (isAll(term.parsed()) || term.parsed() instanceof SpfTerm.Modifier m && m.isRedirect()) {
                    terms.add(term); // the first record had none: this becomes the record's ending
                    hasAll |= isAll(term.parsed());
                    hasRedirect |= !isAll(term.parsed());
                } else if (term.parsed() instanceof SpfTerm.Modifier m) {
                    terms.add(term); // exp= and unknown modifiers: their place does not matter; keep them last
                    hasExp |= m.isExplanation();
                } else {
                    terms.add(insertionPoint(terms), term);
                }
            }
        }
    }

    private static boolean isAll(SpfTerm term) {
        return term instanceof SpfTerm.Directive d && d.mechanism() instanceof Mechanism.All;
    }

    /** Before the first {@code all} (the one that takes effect), else before {@code redirect=}, else the end. */
    private static int insertionPoint(List<Term> terms) {
        for (int i = 0; i < terms.size(); i++) {
            if (isAll(terms.get(i).parsed())) {
                return i;
            }
        }
        for (int i = 0; i < terms.size(); i++) {
            if (terms.get(i).parsed() instanceof SpfTerm.Modifier m && m.isRedirect()) {
                return i;
            }
        }
        return terms.size();
    }

    /**
     * True when a {@code +ip4:}/{@code +ip6:} before the insertion point already holds the address.
     * Warns when a term with another qualifier catches it first, since then adding does not help.
     */
    private static boolean authorized(List<Term> terms, int before, InetAddress address, List<Warning> warnings) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < before; i++) {
            Term term = terms.get(i);
            if (!(term.parsed() instanceof SpfTerm.Directive directive)) {
                continue;
            }
            boolean holds = switch (directive.mechanism()) {
                case Mechanism.Ip4 net -> IpAddresses.inPrefix(bytes, net.network().getAddress(), net.cidr());
                case Mechanism.Ip6 net -> IpAddresses.inPrefix(bytes, net.network().getAddress(), net.cidr());
                default -> false;
            };
            if (!holds) {
                continue;
            }
            if (directive.qualifier() == Qualifier.PASS) {
                return true;
            }
            warnings.add(new Warning(Warning.Kind.BLOCKED_EARLIER, "\"" + term.text() + "\" gives "
                    + directive.qualifier().result().rfcName() + " for the server's address " + IpAddresses.format(address)
                    + " before any term that authorizes it is reached: remove it."));
            return false;
        }
        return false;
    }

    private static void allWarnings(List<Term> terms, List<Warning> warnings) {
        Term all = null;
        for (Term term : terms) {
            if (isAll(term.parsed())) {
                all = term;
                break;
            }
        }
        if (all == null) {
            boolean redirect = terms.stream().anyMatch(t -> t.parsed() instanceof SpfTerm.Modifier m && m.isRedirect());
            if (!redirect) {
                warnings.add(new Warning(Warning.Kind.NO_ALL, "The record ends without an \"all\": mail from"
                        + " servers it does not list gets neutral, as if there were no SPF. End it with ~all or -all."));
            }
            return;
        }
        Qualifier qualifier = ((SpfTerm.Directive) all.parsed()).qualifier();
        if (qualifier == Qualifier.PASS) {
            warnings.add(new Warning(Warning.Kind.PERMISSIVE_ALL, "\"" + all.text() + "\" authorizes every address"
                    + " on the internet, so anyone can send mail in this domain's name and the record protects"
                    + " nothing (the added ip4:/ip6: change nothing either). Use ~all or -all."));
        } else if (qualifier == Qualifier.NEUTRAL) {
            warnings.add(new Warning(Warning.Kind.PERMISSIVE_ALL, "\"" + all.text() + "\" says nothing about servers"
                    + " the record does not list (neutral): receivers treat their mail as if there were no SPF,"
                    + " so forged mail is not recognised. Use ~all or -all."));
        }
    }

    private static SpfProposal finish(Action action, String record, List<String> replaces, List<String> added,
            List<Warning> warnings, OptionalInt evaluatedLookups) {
        lookupWarning(record, warnings, evaluatedLookups);
        List<String> strings = split(record);
        int octets = record.getBytes(StandardCharsets.US_ASCII).length;
        if (strings.size() > 1) {
            warnings.add(new Warning(Warning.Kind.STRING_SPLIT, "The record is " + octets + " octets, more than the "
                    + MAX_STRING_OCTETS + " one TXT string can hold: publish it as one TXT record made of "
                    + strings.size() + " strings (receivers join them without spaces). Many DNS panels split it"
                    + " themselves; in a zone file write: " + zoneFile(strings)));
        }
        if (octets > ADVISED_MAX_OCTETS) {
            warnings.add(new Warning(Warning.Kind.UDP_SIZE, "The record is " + octets + " octets; RFC 7208 §3.4"
                    + " advises at most about " + ADVISED_MAX_OCTETS + " so that the DNS answer fits in one 512-octet UDP"
                    + " packet. Larger answers need TCP or EDNS and some receivers then fail to fetch it (temperror)."
                    + " Shorten it, for example by removing mechanisms for servers that no longer send mail."));
        }
        return new SpfProposal(action, record, replaces, added, strings, warnings);
    }

    private static void lookupWarning(String record, List<Warning> warnings, OptionalInt evaluatedLookups) {
        int count = 0;
        boolean nested = false;
        for (Term term : terms(record)) {
            if (term.parsed() instanceof SpfTerm.Directive d && d.mechanism().queriesDns()) {
                count++;
                nested |= d.mechanism() instanceof Mechanism.Include;
            } else if (term.parsed() instanceof SpfTerm.Modifier m && m.isRedirect()) {
                count++;
                nested = true;
            }
        }
        if (evaluatedLookups.isPresent()) {
            count = Math.max(count, evaluatedLookups.getAsInt());
            nested = false;
        }
        if (count > SpfEvaluator.MAX_DNS_TERMS) {
            warnings.add(new Warning(Warning.Kind.LOOKUP_LIMIT, "The record needs " + (nested ? "at least " : "")
                    + count + " DNS lookups (include, a, mx, ptr, exists, redirect" + (nested ? "; each include"
                    + " adds those of the record it includes" : ", counting those inside includes")
                    + "); receivers stop at " + SpfEvaluator.MAX_DNS_TERMS + " with permerror (RFC 7208 §4.6.4)."
                    + " Replace a, mx and includes by ip4:/ip6: where you can."));
        }
    }

    /** Cuts the record into strings of at most 255 octets, preferably right after a space. */
    static List<String> split(String record) {
        List<String> strings = new ArrayList<>();
        String rest = record;
        while (rest.length() > MAX_STRING_OCTETS) {
            int cut = rest.lastIndexOf(' ', MAX_STRING_OCTETS - 1) + 1; // keep the space at the end of a piece
            if (cut <= 0) {
                cut = MAX_STRING_OCTETS;
            }
            strings.add(rest.substring(0, cut));
            rest = rest.substring(cut);
        }
        strings.add(rest);
        return strings;
    }

    private static String zoneFile(List<String> strings) {
        List<String> quoted = new ArrayList<>();
        for (String string : strings) {
            quoted.add('"' + string + '"');
        }
        return "( " + String.join(" ", quoted) + " )";
    }

    @Override
    public String toString() {
        return action.name().toLowerCase(Locale.ROOT) + ": " + record;
    }
}
