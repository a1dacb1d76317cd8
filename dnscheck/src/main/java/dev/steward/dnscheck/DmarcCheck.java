package dev.steward.dnscheck;

import dev.steward.dnscheck.dmarc.DmarcRecord;
import dev.steward.dnscheck.dmarc.PublicSuffixList;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DNS-4, DMARC: find the policy that applies to mail from the app host, check that it parses, and
 * explain alignment.
 *
 * <p><b>Strategy.</b> RFC 7489 §6.6.3: ask {@code _dmarc.<app host>}; when it holds no DMARC record,
 * ask {@code _dmarc.<organisational domain>} (Public Suffix List). TXT records that do not start with
 * {@code v=DMARC1} are ignored; more than one DMARC record at the name means no policy. For a record
 * found at the organisational domain, the subdomain policy ({@code sp=}, else {@code p=}) applies.
 *
 * <p><b>Alignment.</b> The relay signs with DKIM {@code d=<app host>} and sends with a MAIL FROM in the
 * app host, so the SPF domain is the app host too; the From header is at the app host or a subdomain
 * of it (MAIL-2). With a From at the app host itself both identifiers align in either mode. With
 * strict alignment ({@code adkim=s} / {@code aspf=s}) a From at a deeper subdomain does not align,
 * which is worth a WARN; relaxed alignment (the default) aligns both.
 *
 * <p><b>Severity.</b> A missing record or {@code p=none} is a WARN with advice (mail is delivered
 * without DMARC; DMARC protects the customer's name); a DMARC record that does not parse is a FAIL
 * (the customer meant to publish one, and receivers ignore it).
 *
 * <p>Thread safety: stateless apart from the resolver; thread-safe.
 */
final class DmarcCheck {

    /** What we propose when there is no policy: enforce, since SPF and DKIM are checked alongside. */
    static final String PROPOSED = "v=DMARC1; p=quarantine; adkim=r; aspf=r";

    private final Resolver resolver;
    private final PublicSuffixList suffixes;

    DmarcCheck(Resolver resolver) {
        this(resolver, PublicSuffixList.shipped());
    }

    DmarcCheck(Resolver resolver, PublicSuffixList suffixes) {
        this.resolver = resolver;
        this.suffixes = suffixes;
    }

    /** The DMARC records found at one name, or why the lookup failed. */
    private record Lookup(String owner, List<String> records, DnsAnswer.TempFail<String> failure) {}

    private Lookup lookup(String domain) {
        String owner = "_dmarc." + domain;
        DnsAnswer<String> answer = resolver.txt(owner);
        if (answer instanceof DnsAnswer.TempFail<String> failure) {
            return new Lookup(owner, List.of(), failure);
        }
        List<String> dmarc = new ArrayList<>();
        if (answer instanceof DnsAnswer.Records<String> records) {
            for (String value : records.records()) {
                if (!(DmarcRecord.parse(value) instanceof DmarcRecord.Parse.NotDmarc)) {
                    dmarc.add(value);
                }
            }
        }
        return new Lookup(owner, dmarc, null);
    }

    List<Finding> check(DomainName appHostName) {
        String appHost = appHostName.ascii();
        Optional<String> organizational = suffixes.organizationalDomain(appHost);
        Lookup found = lookup(appHost);
        if (found.failure() != null) {
            return List.of(lookupFailed(found));
        }
        boolean atOrganization = false;
        if (found.records().isEmpty() && organizational.isPresent() && !organizational.get().equals(appHost)) {
            found = lookup(organizational.get());
            if (found.failure() != null) {
                return List.of(lookupFailed(found));
            }
            atOrganization = true;
        }
        String ownOwner = "_dmarc." + appHost;
        if (found.records().isEmpty()) {
            String where = organizational.isPresent() && !organizational.get().equals(appHost)
                    ? ownOwner + " nor at _dmarc." + organizational.get() + " (the organisational domain)"
                    : ownOwner;
            return List.of(Finding.warn("dmarc.missing", ownOwner, List.of(),
                    "No DMARC record at " + where + ". Mail is delivered without one, but anyone can send mail in "
                            + appHost + "'s name and receivers (Gmail, Yahoo) increasingly expect one. Once the SPF and"
                            + " DKIM checks above pass, publish the record below (it covers only " + appHost + ").",
                    List.of(RecordChange.publish(ownOwner, "TXT", PROPOSED))));
        }
        if (found.records().size() > 1) {
            return List.of(Finding.fail("dmarc.multiple", found.owner(), found.records(),
                    found.owner() + " has " + found.records().size() + " DMARC records; receivers then apply none"
                            + " (RFC 7489 §6.6.3). Keep exactly one.", List.of()));
        }
        String value = found.records().getFirst();
        DmarcRecord.Parse parsed = DmarcRecord.parse(value);
        if (parsed instanceof DmarcRecord.Parse.Invalid invalid) {
            List<RecordChange> records = found.owner().equals(ownOwner)
                    ? List.of(RecordChange.remove(ownOwner, "TXT", value), RecordChange.publish(ownOwner, "TXT", PROPOSED))
                    : List.of();
            return List.of(Finding.fail("dmarc.invalid", found.owner(), found.records(),
                    "The DMARC record does not parse (" + invalid.reason() + "), so receivers ignore it."
                            + (records.isEmpty() ? " Correct it." : " Replace it, for example with the record below."),
                    records));
        }
        DmarcRecord record = ((DmarcRecord.Parse.Valid) parsed).record();
        List<Finding> findings = new ArrayList<>();
        findings.add(policy(found.owner(), value, record, atOrganization, appHost));
        findings.add(alignment(found.owner(), value, record, appHost, organizational.orElse(appHost)));
        return findings;
    }

    private static Finding lookupFailed(Lookup lookup) {
        return Finding.unchecked("dmarc.lookup-failed", lookup.owner(), "Could not look up the DMARC record.",
                List.of(Lookups.failed("TXT", lookup.owner(), lookup.failure())));
    }

    private static Finding policy(String owner, String value, DmarcRecord record, boolean atOrganization, String appHost) {
        DmarcRecord.Policy policy = atOrganization ? record.effectiveSubdomainPolicy() : record.policy();
        String which = atOrganization
                ? (record.subdomainPolicy() != null ? "sp=" : "p=") + policy.tag() + " of the organisational domain's record"
                : "p=" + policy.tag();
        String percent = record.percent() < 100 ? " It applies to only " + record.percent() + "% of failing mail (pct=)." : "";
        if (policy == DmarcRecord.Policy.NONE) {
            return Finding.warn("dmarc.policy-none", owner, List.of(value),
                    "Mail from " + appHost + " falls under " + which + ": receivers only report DMARC failures and still"
                            + " deliver forged mail. Once SPF and DKIM pass here, raise the policy to p=quarantine (or"
                            + " sp=quarantine at the organisational domain) to protect the name.", List.of());
        }
        return Finding.ok("dmarc.policy", owner, List.of(value),
                "Mail from " + appHost + " falls under " + which + ": receivers " + (policy == DmarcRecord.Policy.REJECT
                        ? "reject" : "quarantine") + " mail that fails DMARC." + percent);
    }

    private static Finding alignment(String owner, String value, DmarcRecord record, String appHost, String organizational) {
        boolean strictDkim = record.dkimAlignment() == DmarcRecord.Alignment.STRICT;
        boolean strictSpf = record.spfAlignment() == DmarcRecord.Alignment.STRICT;
        String basis = "The server signs with DKIM d=" + appHost + " and sends with a MAIL FROM address in " + appHost
                + " (the SPF domain), so for a From address @" + appHost + " both align with the From domain. ";
        if (!strictDkim && !strictSpf) {
            return Finding.ok("dmarc.alignment", owner, List.of(value), basis
                    + "Alignment is relaxed (adkim=r, aspf=r), so a From address at a subdomain of " + appHost
                    + " aligns as well (same organisational domain, " + organizational + ").");
        }
        String strict = strictDkim && strictSpf ? "adkim=s and aspf=s" : strictDkim ? "adkim=s" : "aspf=s";
        return Finding.warn("dmarc.alignment", owner, List.of(value), basis + "Alignment is strict (" + strict
                + "): a From address at a subdomain of " + appHost + ", which the server allows, would not align and"
                + " would fail DMARC. Use From addresses @" + appHost + ", or relax the alignment (adkim=r; aspf=r).",
                List.of());
    }
}
