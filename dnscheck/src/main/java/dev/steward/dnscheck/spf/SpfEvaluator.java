package dev.steward.dnscheck.spf;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * RFC 7208 {@code check_host()}: is this IP address allowed to send mail for this domain? All DNS
 * goes through the {@link Resolver} given to the constructor; the evaluator itself has no sockets,
 * so it is pure policy over DNS answers.
 *
 * <p><b>Strategy.</b> §4.3 initial checks (a malformed or single-label domain gives {@code none});
 * §4.4/§4.5 record selection from TXT records only (never type 99): no {@code v=spf1} record gives
 * {@code none}, more than one gives {@code permerror}; §4.6 the whole record is parsed before any
 * term is evaluated ({@link SpfRecord}); directives are evaluated left to right, the first match
 * decides; otherwise {@code redirect=} is followed; otherwise {@code neutral}. For a {@code fail},
 * {@code exp=} is fetched and expanded (§6.2) once, at the end; any trouble with it is ignored.
 *
 * <p><b>Limits</b> (§4.6.4), shared by the whole evaluation including includes and redirects: at
 * most 10 DNS-querying terms ({@code include a mx ptr exists redirect}), counted when a term is
 * reached; at most 2 of them may find no records (void lookups: NXDOMAIN or NODATA); an {@code mx}
 * with more than 10 MX names is a {@code permerror}; a {@code ptr} (and {@code %{p}}) looks at the
 * first 10 PTR names only. The {@code exp=} lookup counts towards neither limit.
 *
 * <p><b>Failure handling.</b> A {@link DnsAnswer.TempFail} gives {@code temperror}, except for the
 * PTR lookups of {@code ptr} and {@code %{p}} and the address lookups that validate PTR names, which
 * are skipped (§5.5). Names that are malformed after macro expansion (an empty label, a label over
 * 63 characters) are not asked for: the mechanism does not match (the RFC leaves this open; an
 * {@code include:} or {@code redirect=} of such a name is a {@code permerror}). A name the resolver
 * refuses to ask for (it accepts letters, digits, '-' and '_' only, while SPF allows any visible
 * character) is treated as a name that does not exist.
 *
 * <p>An IPv4-mapped IPv6 client address ({@code ::ffff:192.0.2.1}) is evaluated as the IPv4
 * address (§5): it matches {@code ip4:} and A records, never {@code ip6:}.
 *
 * <p>Thread safety: thread-safe; each call keeps its state in its own {@code Evaluation}.
 */
public final class SpfEvaluator {

    /** RFC 7208 §4.6.4: DNS-querying terms per evaluation. */
    public static final int MAX_DNS_TERMS = 10;
    /** RFC 7208 §4.6.4: lookups that may find nothing, per evaluation (the recommended default). */
    public static final int MAX_VOID_LOOKUPS = 2;
    /** RFC 7208 §4.6.4: MX names an {@code mx} may have, and PTR names a {@code ptr} looks at. */
    public static final int MAX_NAMES_PER_MECHANISM = 10;

    static final String LIMIT_REASON = "more than " + MAX_DNS_TERMS
            + " DNS-querying terms (include, a, mx, ptr, exists, redirect)";
    static final String VOID_REASON = "more than " + MAX_VOID_LOOKUPS
            + " DNS-querying terms found no records (void lookups, RFC 7208 §4.6.4)";

    private final Resolver resolver;
    private final String receiver;
    private final Clock clock;

    /** An evaluator whose {@code %{r}} is {@code "unknown"} and whose {@code %{t}} is the system clock. */
    public SpfEvaluator(Resolver resolver) {
        this(resolver, "unknown", Clock.systemUTC());
    }

    /**
     * @param receiverName what {@code %{r}} expands to in explanations: the checking host's name
     * @param clock        what {@code %{t}} reads
     */
    public SpfEvaluator(Resolver resolver, String receiverName, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.receiver = Objects.requireNonNull(receiverName, "receiverName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Evaluates the SPF record of {@code domain} for a client at {@code ip}.
     *
     * @param ip     the SMTP client's address (IPv4, IPv6, or IPv4-mapped IPv6, which counts as IPv4)
     * @param domain the domain whose record is checked, usually the domain of {@code sender}
     * @param sender the MAIL FROM address ({@code local@domain}); null or empty means
     *               {@code postmaster@domain}, a missing local part means {@code postmaster}
     * @param helo   the HELO/EHLO name, for {@code %{h}}; null is taken as empty
     */
    public SpfResult checkHost(InetAddress ip, String domain, String sender, String helo) {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(domain, "domain");
        return new Evaluation(IpAddresses.effective(ip), domain, sender, helo == null ? "" : helo).run(domain);
    }

    /** The per-domain verdict inside one evaluation; the exp fields say where a fail's explanation comes from. */
    private record Verdict(SpfResult.Code code, String reason, SpfRecord expRecord, String expDomain) {
        static Verdict of(SpfResult.Code code, String reason) {
            return new Verdict(code, reason, null, null);
        }

        Verdict withReason(String changed) {
            return new Verdict(code, changed, expRecord, expDomain);
        }
    }

    /** What one directive did: matched, did not match (with a note, possibly empty), or ended the evaluation. */
    private record Step(boolean matched, String note, Verdict abort) {
        static Step match(String note) {
            return new Step(true, note, null);
        }

        static Step miss(String note) {
            return new Step(false, note, null);
        }

        static Step abort(SpfResult.Code code, String reason) {
            return new Step(false, "", Verdict.of(code, reason));
        }
    }

    /** A name to query after macro expansion, or why it cannot be one. */
    private record Target(String name, String problem) {}

    /** One check_host() call and its shared counters. Single-threaded. */
    private final class Evaluation {
        private final InetAddress ip;
        private final byte[] ipBytes;
        private final boolean v4;
        private final String sender;
        private final String localPart;
        private final String senderDomain;
        private final String helo;
        private final Map<String, String> validatedNames = new HashMap<>(); // %{p} per <domain>
        private int terms; // DNS-querying terms evaluated so far
        private int voids; // of which found no records
        private String topRecord; // the v=spf1 record at the domain first checked

        Evaluation(InetAddress ip, String domain, String sender, String helo) {
            this.ip = ip;
            this.ipBytes = ip.getAddress();
            this.v4 = ip instanceof Inet4Address;
            this.helo = helo;
            String given = sender == null || sender.isEmpty() ? "postmaster@" + domain : sender;
            int at = given.lastIndexOf('@');
            String local = at <= 0 ? "postmaster" : given.substring(0, at);
            this.senderDomain = at < 0 ? given : given.substring(at + 1);
            this.localPart = local;
            this.sender = local + "@" + senderDomain;
        }

        SpfResult run(String domain) {
            Verdict verdict = check(domain, true);
            String explanation = verdict.code() == SpfResult.Code.FAIL && verdict.expRecord() != null
                    ? explain(verdict.expRecord(), verdict.expDomain()) : null;
            return new SpfResult(verdict.code(), explanation, verdict.reason(), terms, voids, topRecord);
        }

        private Verdict check(String domain, boolean top) {
            String name = stripDot(domain);
            String problem = nameProblem(name, true);
            if (problem != null) {
                return Verdict.of(SpfResult.Code.NONE, "\"" + domain + "\" " + problem + ", so it has no SPF record");
            }
            List<String> spf = new ArrayList<>();
            switch (ask(() -> resolver.txt(name), name)) {
                case DnsAnswer.TempFail<String> fail -> {
                    return Verdict.of(SpfResult.Code.TEMPERROR, "the TXT lookup of " + name + " failed: " + fail.reason());
                }
                case DnsAnswer.NxDomain<String> ignored -> {
                    return Verdict.of(SpfResult.Code.NONE, name + " does not exist");
                }
                case DnsAnswer.NoData<String> ignored -> {
                    return Verdict.of(SpfResult.Code.NONE, name + " has no TXT records, so no SPF record");
                }
                case DnsAnswer.Records<String> records -> {
                    for (String text : records.records()) {
                        if (SpfRecord.isSpf1(text)) {
                            spf.add(text);
                        }
                    }
                }
            }
            if (spf.isEmpty()) {
                return Verdict.of(SpfResult.Code.NONE, name + " has no v=spf1 record");
            }
            if (spf.size() > 1) {
                return Verdict.of(SpfResult.Code.PERMERROR, name + " publishes " + spf.size()
                        + " v=spf1 records; there must be exactly one (RFC 7208 §4.5)");
            }
            if (top) {
                topRecord = spf.getFirst();
            }
            SpfRecord record;
            switch (SpfRecord.parse(spf.getFirst())) {
                case SpfRecord.Invalid invalid -> {
                    return Verdict.of(SpfResult.Code.PERMERROR, "the SPF record of " + name + " is invalid: " + invalid.reason());
                }
                case SpfRecord.Valid valid -> record = valid.record();
            }
            for (SpfTerm.Directive directive : record.directives()) {
                Step step = evaluate(directive, name);
                if (step.abort() != null) {
                    return step.abort();
                }
                if (step.matched()) {
                    return new Verdict(directive.qualifier().result(), "matched " + directive.text() + step.note()
                            + (top ? "" : " in the record of " + name), record, name);
                }
            }
            Optional<SpfTerm.Modifier> redirect = record.redirect();
            if (redirect.isPresent()) {
                if (++terms > MAX_DNS_TERMS) {
                    return Verdict.of(SpfResult.Code.PERMERROR, LIMIT_REASON);
                }
                Target target = target(redirect.get().value(), name);
                if (target.problem() != null) {
                    return Verdict.of(SpfResult.Code.PERMERROR, redirect.get().text() + " names \"" + target.name()
                            + "\", which " + target.problem());
                }
                Verdict inner = check(target.name(), false);
                if (inner.code() == SpfResult.Code.NONE) {
                    return Verdict.of(SpfResult.Code.PERMERROR, redirect.get().text() + ": " + inner.reason()
                            + " (a redirect to a domain without SPF record is a permerror, RFC 7208 §6.1)");
                }
                return inner.withReason("no term matched, " + redirect.get().text() + ": " + inner.reason());
            }
            return Verdict.of(SpfResult.Code.NEUTRAL, "no term matched; default neutral"
                    + (top ? "" : " in the record of " + name));
        }

        private Step evaluate(SpfTerm.Directive directive, String domain) {
            Mechanism mechanism = directive.mechanism();
            if (mechanism.queriesDns() && ++terms > MAX_DNS_TERMS) {
                return Step.abort(SpfResult.Code.PERMERROR, LIMIT_REASON);
            }
            return switch (mechanism) {
                case Mechanism.All all -> Step.match("");
                case Mechanism.Ip4 net -> v4 && IpAddresses.inPrefix(ipBytes, net.network().getAddress(), net.cidr())
                        ? Step.match("") : Step.miss("");
                case Mechanism.Ip6 net -> !v4 && IpAddresses.inPrefix(ipBytes, net.network().getAddress(), net.cidr())
                        ? Step.match("") : Step.miss("");
                case Mechanism.A a -> {
                    Target target = target(a.domainSpec(), domain);
                    yield target.problem() != null ? Step.miss("")
                            : addresses(target.name(), v4 ? a.cidr4() : a.cidr6(), true);
                }
                case Mechanism.Mx mx -> mx(mx, domain);
                case Mechanism.Ptr ptr -> ptr(ptr, domain);
                case Mechanism.Exists exists -> exists(exists, domain);
                case Mechanism.Include include -> include(include, directive, domain);
            };
        }

        /** The client address against the A or AAAA records of {@code name} (by the client's family). */
        private Step addresses(String name, int cidr, boolean primary) {
            DnsAnswer<InetAddress> answer = v4 ? ask(() -> resolver.ipv4(name), name) : ask(() -> resolver.ipv6(name), name);
            switch (answer) {
                case DnsAnswer.Records<InetAddress> records -> {
                    for (InetAddress address : records.records()) {
                        if (IpAddresses.inPrefix(ipBytes, address.getAddress(), cidr)) {
                            return Step.match(" (" + name + " has " + IpAddresses.format(address) + ")");
                        }
                    }
                    return Step.miss("");
                }
                case DnsAnswer.TempFail<InetAddress> fail -> {
                    return Step.abort(SpfResult.Code.TEMPERROR, "the " + (v4 ? "A" : "AAAA") + " lookup of " + name
                            + " failed: " + fail.reason());
                }
                default -> {
                    return primary ? voidLookup() : Step.miss("");
                }
            }
        }

        private Step voidLookup() {
            return ++voids > MAX_VOID_LOOKUPS ? Step.abort(SpfResult.Code.PERMERROR, VOID_REASON) : Step.miss("");
        }

        private Step mx(Mechanism.Mx mx, String domain) {
            Target target = target(mx.domainSpec(), domain);
            if (target.problem() != null) {
                return Step.miss("");
            }
            List<String> exchanges = new ArrayList<>();
            switch (ask(() -> resolver.mx(target.name()), target.name())) {
                case DnsAnswer.Records<MxRecord> records -> {
                    for (MxRecord record : records.records()) {
                        if (!record.isNullMx()) {
                            exchanges.add(record.exchange());
                        }
                    }
                }
                case DnsAnswer.TempFail<MxRecord> fail -> {
                    return Step.abort(SpfResult.Code.TEMPERROR, "the MX lookup of " + target.name() + " failed: " + fail.reason());
                }
                default -> {
                    return voidLookup();
                }
            }
            if (exchanges.size() > MAX_NAMES_PER_MECHANISM) {
                return Step.abort(SpfResult.Code.PERMERROR, target.name() + " has " + exchanges.size()
                        + " MX records; an mx mechanism may look up at most " + MAX_NAMES_PER_MECHANISM + " (RFC 7208 §4.6.4)");
            }
            for (String exchange : exchanges) {
                if (nameProblem(exchange, false) != null) {
                    continue;
                }
                Step step = addresses(exchange, v4 ? mx.cidr4() : mx.cidr6(), false);
                if (step.matched() || step.abort() != null) {
                    return step;
                }
            }
            return Step.miss("");
        }

        private Step ptr(Mechanism.Ptr ptr, String domain) {
            Target target = target(ptr.domainSpec(), domain);
            if (target.problem() != null) {
                return Step.miss("");
            }
            switch (ask(() -> resolver.ptr(ip), "reverse name of " + ip.getHostAddress())) {
                case DnsAnswer.Records<String> records -> {
                    for (String name : firstNames(records.records())) {
                        if (isSameOrSubdomain(name, target.name()) && validates(name)) {
                            return Step.match(" (" + IpAddresses.format(ip) + " is " + name + ")");
                        }
                    }
                    return Step.miss("");
                }
                case DnsAnswer.TempFail<String> fail -> {
                    return Step.miss(""); // RFC 7208 §5.5: a DNS error on the PTR lookup means no match
                }
                default -> {
                    return voidLookup();
                }
            }
        }

        private List<String> firstNames(List<String> names) {
            List<String> out = new ArrayList<>();
            for (String name : names.subList(0, Math.min(names.size(), MAX_NAMES_PER_MECHANISM))) {
                out.add(stripDot(name));
            }
            return out;
        }

        /** True when {@code name}'s addresses of the client's family include the client (forward-confirmed). */
        private boolean validates(String name) {
            if (nameProblem(name, false) != null) {
                return false;
            }
            DnsAnswer<InetAddress> answer = v4 ? ask(() -> resolver.ipv4(name), name) : ask(() -> resolver.ipv6(name), name);
            if (answer instanceof DnsAnswer.Records<InetAddress> records) {
                for (InetAddress address : records.records()) {
                    if (IpAddresses.inPrefix(ipBytes, address.getAddress(), ipBytes.length * 8)) {
                        return true;
                    }
                }
            }
            return false; // errors skip the name (RFC 7208 §5.5)
        }

        private Step exists(Mechanism.Exists exists, String domain) {
            Target target = target(exists.domainSpec(), domain);
            if (target.problem() != null) {
                return Step.miss("");
            }
            return switch (ask(() -> resolver.ipv4(target.name()), target.name())) {
                case DnsAnswer.Records<InetAddress> records -> Step.match(" (" + target.name() + " exists)");
                case DnsAnswer.TempFail<InetAddress> fail -> Step.abort(SpfResult.Code.TEMPERROR,
                        "the A lookup of " + target.name() + " failed: " + fail.reason());
                default -> voidLookup();
            };
        }

        private Step include(Mechanism.Include include, SpfTerm.Directive directive, String domain) {
            Target target = target(include.domainSpec(), domain);
            if (target.problem() != null) {
                return Step.abort(SpfResult.Code.PERMERROR, directive.text() + " names \"" + target.name()
                        + "\", which " + target.problem());
            }
            Verdict inner = check(target.name(), false);
            return switch (inner.code()) {
                case PASS -> Step.match(" (" + inner.reason() + ")");
                case FAIL, SOFTFAIL, NEUTRAL -> Step.miss("");
                case TEMPERROR, PERMERROR -> new Step(false, "", inner.withReason(directive.text() + ": " + inner.reason()));
                case NONE -> Step.abort(SpfResult.Code.PERMERROR, directive.text() + ": " + inner.reason()
                        + " (an include of a domain without SPF record is a permerror, RFC 7208 §5.2)");
            };
        }

        /** RFC 7208 §6.2; null when there is no usable explanation. */
        private String explain(SpfRecord record, String domain) {
            Optional<SpfTerm.Modifier> exp = record.explanation();
            if (exp.isEmpty()) {
                return null;
            }
            Target target = target(exp.get().value(), domain);
            if (target.problem() != null) {
                return null;
            }
            if (ask(() -> resolver.txt(target.name()), target.name()) instanceof DnsAnswer.Records<String> records
                    && records.records().size() == 1
                    && MacroString.parse(records.records().getFirst(), MacroString.Kind.EXPLANATION)
                            instanceof Parsed.Ok<MacroString> text) {
                return text.value().expand(values(domain));
            }
            return null;
        }

        /** The name to query for a domain-spec (the current domain when there is none), §4.8 and §7.3. */
        private Target target(MacroString spec, String domain) {
            if (spec == null) {
                return new Target(domain, null);
            }
            String name = stripDot(spec.expand(values(domain)));
            // RFC 7208 §7.3: an over-long expansion loses labels from the left until it fits.
            while (name.length() > 253 && name.indexOf('.') >= 0) {
                name = name.substring(name.indexOf('.') + 1);
            }
            return new Target(name, nameProblem(name, false));
        }

        private MacroString.Values values(String domain) {
            return letter -> switch (letter) {
                case 's' -> sender;
                case 'l' -> localPart;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> IpAddresses.macroForm(ip);
                case 'p' -> validatedName(domain);
                case 'v' -> v4 ? "in-addr" : "ip6";
                case 'h' -> helo;
                case 'c' -> IpAddresses.format(ip);
                case 'r' -> receiver;
                case 't' -> Long.toString(clock.instant().getEpochSecond());
                default -> throw new IllegalStateException("the parser let through macro letter " + letter);
            };
        }

        /**
         * {@code %{p}} (RFC 7208 §7.3): a forward-confirmed PTR name of the client, preferring
         * {@code domain} itself, then a subdomain of it, then any; {@code "unknown"} when there is none
         * or DNS fails. Not counted towards the term limit (it is part of a term that already is).
         */
        private String validatedName(String domain) {
            return validatedNames.computeIfAbsent(domain.toLowerCase(Locale.ROOT), key -> {
                if (!(ask(() -> resolver.ptr(ip), "reverse name of " + ip.getHostAddress())
                        instanceof DnsAnswer.Records<String> records)) {
                    return "unknown";
                }
                String sub = null;
                String any = null;
                for (String name : firstNames(records.records())) {
                    boolean equal = name.equalsIgnoreCase(key);
                    boolean below = isSameOrSubdomain(name, key);
                    // Validating costs a lookup: only for a name that would improve the choice.
                    boolean useful = equal || below && sub == null || any == null;
                    if (!useful || !validates(name)) {
                        continue;
                    }
                    if (equal) {
                        return name;
                    }
                    if (below && sub == null) {
                        sub = name;
                    }
                    if (any == null) {
                        any = name;
                    }
                }
                return sub != null ? sub : any != null ? any : "unknown";
            });
        }

        /** Asks the resolver; a name it refuses to ask for (characters DNS hosts never use) does not exist. */
        private <T> DnsAnswer<T> ask(Supplier<DnsAnswer<T>> question, String name) {
            try {
                return question.get();
            } catch (IllegalArgumentException refused) {
                return new DnsAnswer.NxDomain<>(name);
            }
        }
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** RFC 1035 limits a query name must meet (and for check_host()'s domain, §4.3: several labels); null when fine. */
    static String nameProblem(String name, boolean fullyQualified) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.startsWith("[")) {
            return "is an address literal, not a domain name";
        }
        if (name.length() > 253) {
            return "is longer than 253 characters";
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                return "has an empty label";
            }
            if (label.length() > 63) {
                return "has a label longer than 63 characters";
            }
        }
        if (fullyQualified && labels.length < 2) {
            return "is not a fully qualified domain name";
        }
        return null;
    }

    static boolean isSameOrSubdomain(String name, String parent) {
        String n = stripDot(name).toLowerCase(Locale.ROOT);
        String p = stripDot(parent).toLowerCase(Locale.ROOT);
        return n.equals(p) || n.endsWith("." + p);
    }
}
