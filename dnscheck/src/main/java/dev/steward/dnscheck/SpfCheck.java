package dev.steward.dnscheck;

import dev.steward.dnscheck.spf.SpfEvaluator;
import dev.steward.dnscheck.spf.SpfResult;
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
 * {@code spf.lookup-failed} (UNCHECKED, for a {@code temperror}).
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
        for (InetAddress address : new InetAddress[] {server.ipv4(), server.ipv6()}) {
            if (address == null) {
                continue; // the server.* finding says why
            }
            String text = Lookups.text(address);
            String family = address instanceof Inet4Address ? "IPv4" : "IPv6";
            SpfResult result = evaluator.checkHost(address, appHost, "postmaster@" + appHost, helo);
            List<String> current = result.record() == null ? List.of() : List.of(result.record());
            String lookups = " (" + result.dnsLookups() + " of " + SpfEvaluator.MAX_DNS_TERMS + " DNS lookups)";
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
        return findings;
    }
}
