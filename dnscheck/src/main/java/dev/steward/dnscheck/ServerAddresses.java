package dev.steward.dnscheck;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's name and addresses as the checks use them: the addresses given, or those its name
 * resolves to (the first A and the first AAAA record, which is what {@code ping -4} / {@code ping -6}
 * of the name use). An address that cannot be determined is null, with a {@code server.*} finding
 * saying why.
 *
 * @param name the server name, or null
 * @param ipv4 the IPv4 address, or null
 * @param ipv6 the IPv6 address, or null
 * @param findings {@code server.lookup-failed} or {@code server.address-missing} findings; empty when both addresses are known
 */
record ServerAddresses(DomainName name, InetAddress ipv4, InetAddress ipv6, List<Finding> findings) {

    ServerAddresses {
        findings = List.copyOf(findings);
    }

    static ServerAddresses determine(DnsCheckRequest request, Resolver resolver) {
        List<Finding> findings = new ArrayList<>();
        InetAddress ipv4 = request.ipv4();
        InetAddress ipv6 = request.ipv6();
        if (ipv4 == null) {
            ipv4 = resolve(request.serverName(), "A", resolver.ipv4(request.serverName().ascii()), "--ipv4", findings);
        }
        if (ipv6 == null) {
            ipv6 = resolve(request.serverName(), "AAAA", resolver.ipv6(request.serverName().ascii()), "--ipv6", findings);
        }
        return new ServerAddresses(request.serverName(), ipv4, ipv6, findings);
    }

    private static InetAddress resolve(DomainName server, String type, DnsAnswer<InetAddress> answer, String option,
            List<Finding> findings) {
        String name = server.ascii();
        return switch (answer) {
            case DnsAnswer.Records<InetAddress> records -> records.records().getFirst();
            case DnsAnswer.TempFail<InetAddress> failure -> {
                findings.add(Finding.unchecked("server.lookup-failed", name,
                        "The server's " + type + " record could not be looked up, so the checks that need this address"
                                + " were skipped. Try again, or give the address with " + option + ".",
                        List.of(Lookups.failed(type, name, failure))));
                yield null;
            }
            case DnsAnswer.NxDomain<InetAddress> missing -> {
                findings.add(missing(name, type, option, "the name " + name + " does not exist in DNS"));
                yield null;
            }
            case DnsAnswer.NoData<InetAddress> missing -> {
                findings.add(missing(name, type, option, name + " has no " + type + " record"));
                yield null;
            }
        };
    }

    private static Finding missing(String name, String type, String option, String why) {
        // The customer cannot fix the server's own records, and the checks cannot run without the
        // address, so this is "could not check", not FAIL.
        return Finding.unchecked("server.address-missing", name,
                "The server's address could not be determined: " + why + ". Check the server name, or give the"
                        + " address with " + option + ".",
                List.of(type + " " + name + ": " + why));
    }
}
