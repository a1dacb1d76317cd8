package dev.steward.dnscheck;

import dev.steward.dnscheck.spf.SpfEvaluator;
import dev.steward.dnscheck.spf.SpfProposal;
import dev.steward.dnscheck.spf.SpfResult;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS-2: the server sends over IPv4 and IPv6, so SPF (RFC 7208 {@code check_host()}) must pass for
 * both server addresses with the app host as the MAIL FROM domain; the HELO name is the server's
 * name (or the app host when only addresses were given).
 *
 * <p>One finding per address: {@code spf.pass} (OK), {@code spf.not-pass} (FAIL, with the RFC 7208
 * result and its reason, e.g. a {@code permerror} for more than 10 DNS-querying terms), or
 * {@code spf.lookup-failed} (UNCHECKED, for a {@code temperror}). When either is not a pass, the
 * first {@code spf.not-pass} finding carries the corrected record from {@link SpfProposal}: the
 * customer's record with {@code ip4:}/{@code ip6:} merged in (remove the old, publish the new). The
 * proposal's warnings (lookup limit, {@code +all}, several records, size, ...) become WARN findings
 * {@code spf.<kind>}, e.g. {@code spf.lookup-limit}, {@code spf.permissive-all}, also when SPF passes.
 *
 * <p>Thread safety: stateless apart from the resolver; thread-safe.
 */
final class SpfCheck {

    private final Resolver resolver;

    SpfCheck(Resolver resolver) {
        this.resolver = resolver;
    }

    List<Finding> check(DomainName appHostName, ServerAddresses server) {
        String appHost = appHostName.ascii();
        String helo = server.name() != null ? server.name().ascii() : appHost;
        SpfEvaluator evaluator = new SpfEvaluator(resolver);
        List<Finding> findings = new ArrayList<>();
        boolean proposalNeeded = false;
        boolean temporary = false;
        for (InetAddress address : new InetAddress[] {server.ipv4(), server.ipv6()}) {
            if (address == null) {
                continue; // the server.* finding says why
            }
            String text = Lookups.text(address);
            String family = address instanceof Inet4Address ? "IPv4" : "IPv6";
            SpfResult result = evaluator.checkHost(address, appHost, "postmaster@" + appHost, helo);
            List<String> current = result.record() == null ? List.of() : List.of(result.record());
            String lookups = " (" + result.dnsLookups() + " of " + SpfEvaluator.MAX_DNS_TERMS + " DNS lookups)";
            temporary |= result.code() == SpfResult.Code.TEMPERROR;
            proposalNeeded |= result.code() != SpfResult.Code.PASS;
            findings.add(switch (result.code()) {
                case PASS -> Finding.ok("spf.pass", appHost, current,
                        "SPF passes for the server's " + family + " address " + text + ": " + result.reason() + lookups + ".");
                case TEMPERROR -> Finding.unchecked("spf.lookup-failed", appHost,
                        "SPF could not be evaluated for " + text + " because a DNS lookup failed.",
                        List.of("SPF " + appHost + " for " + text + ": " + result.reason()));
                default -> Finding.fail("spf.not-pass", appHost, current,
                        "SPF gives " + result.code().rfcName() + " for the server's " + family + " address " + text + " ("
                                + result.reason() + ")" + lookups + ", so receivers may reject or junk mail the server"
                                + " sends over " + family + ". The record must authorize ip"
                                + (family.equals("IPv4") ? "4:" : "6:") + text + ".",
                        List.of());
            });
        }
        if (findings.isEmpty() || temporary) {
            return findings; // nothing to propose from, or half the facts are missing
        }
        DnsAnswer<String> txt = resolver.txt(appHost);
        if (txt instanceof DnsAnswer.TempFail<String> failure) {
            findings.add(Finding.unchecked("spf.lookup-failed", appHost,
                    "Could not read the TXT records of " + appHost + " to propose the SPF record.",
                    List.of(Lookups.failed("TXT", appHost, failure))));
            return findings;
        }
        List<String> records = txt instanceof DnsAnswer.Records<String> found ? found.records() : List.of();
        SpfProposal proposal = SpfProposal.propose(records, server.ipv4(), server.ipv6());
        if (proposalNeeded) {
            attach(findings, appHost, proposal);
        }
        for (SpfProposal.Warning warning : proposal.warnings()) {
            if (warning.kind() == SpfProposal.Warning.Kind.STRING_SPLIT) {
                continue; // the record to publish shows its split already
            }
            findings.add(Finding.warn(Finding.spfWarningCode(warning.kind()), appHost,
                    records.stream().filter(value -> value.regionMatches(true, 0, "v=spf1", 0, 6)).toList(),
                    warning.message(), List.of()));
        }
        return findings;
    }

    /** Puts the proposal's records on the first not-pass finding, and points the others at it. */
    private static void attach(List<Finding> findings, String appHost, SpfProposal proposal) {
        List<RecordChange> changes = new ArrayList<>();
        if (proposal.action() != SpfProposal.Action.KEEP) { // KEEP: nothing to publish, and nothing to remove
            for (String replaced : proposal.replaces()) {
                changes.add(RecordChange.remove(appHost, "TXT", replaced));
            }
            changes.add(RecordChange.publish(appHost, "TXT", proposal.record()));
        }
        String advice = switch (proposal.action()) {
            case CREATE -> " Create the SPF record below.";
            case UPDATE -> " Replace the SPF record with the one below (" + String.join(" ", proposal.added())
                    + " added, everything else kept).";
            case MERGE -> " There are several SPF records (receivers then give permerror): replace them with the one"
                    + " merged record below.";
            case KEEP -> " The record already lists the server's addresses; fix what the warnings below describe.";
        };
        boolean first = true;
        for (int i = 0; i < findings.size(); i++) {
            Finding finding = findings.get(i);
            if (finding.severity() != Severity.FAIL) {
                continue;
            }
            findings.set(i, new Finding(finding.severity(), finding.code(), finding.name(), finding.current(),
                    finding.message() + (first ? advice : " The record proposed above covers this address too."),
                    finding.failedLookups(), first ? changes : List.of()));
            first = false;
        }
    }
}
