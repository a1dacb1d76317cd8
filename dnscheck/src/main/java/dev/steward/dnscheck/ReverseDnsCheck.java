package dev.steward.dnscheck;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ReverseMap;

/**
 * DNS-4: each server address should have reverse DNS (a PTR record) naming a host that resolves
 * forward to the same address again ("forward-confirmed reverse DNS", RFC 8601 §3 {@code iprev}).
 * Many receivers reject or mark mail from addresses without it.
 *
 * <p>The reverse zone belongs to whoever owns the address block, the provider, not the customer: a
 * missing or unconfirmed PTR is therefore a WARN (ask the provider), and the record shown is for
 * the provider.
 *
 * <p>Thread safety: stateless apart from the resolver; thread-safe.
 */
final class ReverseDnsCheck {

    private final Resolver resolver;

    ReverseDnsCheck(Resolver resolver) {
        this.resolver = resolver;
    }

    List<Finding> check(ServerAddresses server) {
        List<Finding> findings = new ArrayList<>();
        for (InetAddress address : new InetAddress[] {server.ipv4(), server.ipv6()}) {
            if (address != null) {
                findings.add(check(address, server.name()));
            }
        }
        return findings;
    }

    private Finding check(InetAddress address, DomainName serverName) {
        String text = Lookups.text(address);
        String reverseName = ReverseMap.fromAddress(address).toString(true);
        String type = address instanceof Inet4Address ? "A" : "AAAA";
        List<RecordChange> suggested = serverName == null ? List.of()
                : List.of(RecordChange.publish(reverseName, "PTR", serverName.ascii()));
        String askProvider = " The reverse zone belongs to the provider: ask them to set it"
                + (serverName == null ? " to the server's name." : " to " + serverName.ascii() + ".");
        DnsAnswer<String> answer = resolver.ptr(address);
        if (answer instanceof DnsAnswer.TempFail<String> failure) {
            return Finding.unchecked("reverse.lookup-failed", text, "Could not look up the reverse DNS of " + text + ".",
                    List.of(Lookups.failed("PTR", reverseName, failure)));
        }
        if (!(answer instanceof DnsAnswer.Records<String> records)) {
            return Finding.warn("reverse.missing", text, List.of(),
                    text + " has no reverse DNS (PTR record); many receivers reject or distrust mail from such addresses."
                            + askProvider, suggested);
        }
        List<String> current = new ArrayList<>();
        List<String> failedLookups = new ArrayList<>();
        for (String host : records.records()) {
            DnsAnswer<InetAddress> forward = type.equals("A") ? resolver.ipv4(host) : resolver.ipv6(host);
            switch (forward) {
                case DnsAnswer.Records<InetAddress> addresses -> {
                    List<String> back = Lookups.texts(addresses.records());
                    if (back.contains(text)) {
                        return Finding.ok("reverse.ok", text, List.of("PTR " + host, host + " " + type + " " + text),
                                text + " has reverse DNS " + host + ", which resolves back to " + text + ".");
                    }
                    current.add("PTR " + host + " (" + type + " " + String.join(", ", back) + ")");
                }
                case DnsAnswer.TempFail<InetAddress> failure -> {
                    current.add("PTR " + host);
                    failedLookups.add(Lookups.failed(type, host, failure));
                }
                case DnsAnswer.NxDomain<InetAddress> none -> current.add("PTR " + host + " (" + host + " does not exist)");
                case DnsAnswer.NoData<InetAddress> none -> current.add("PTR " + host + " (no " + type + " record)");
            }
        }
        if (!failedLookups.isEmpty()) {
            return Finding.unchecked("reverse.lookup-failed", text,
                    "Could not confirm that the reverse DNS of " + text + " resolves back to it.", failedLookups);
        }
        return Finding.warn("reverse.unconfirmed", text, current,
                text + " has reverse DNS, but the name does not resolve back to " + text
                        + ", so receivers treat it as having none (forward-confirmed reverse DNS fails)." + askProvider,
                suggested);
    }
}
