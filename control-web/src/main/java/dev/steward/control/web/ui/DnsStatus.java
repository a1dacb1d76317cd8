package dev.steward.control.web.ui;

import dev.steward.control.core.fleet.AddressFamily;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import dev.steward.dnscheck.DnsCheck;
import dev.steward.dnscheck.DnsCheckRequest;
import dev.steward.dnscheck.DnsReport;
import dev.steward.mail.dkim.DkimKeyRecord;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.model.DomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.util.List;

/**
 * Runs the DNS check (DNS-1..DNS-3) for one stored server: its app host, its included IPv4 and
 * IPv6 addresses and its DKIM key as the store has them, so the check never looks up the server's
 * own name. Bounded by the {@link DnsCheck}'s deadline.
 *
 * <p>Thread safety: thread-safe.
 */
final class DnsStatus {

    private final DnsCheck check;

    DnsStatus(UiSettings settings) {
        this.check = new DnsCheck(settings.resolver(), settings.dnsDeadline());
    }

    /** The report for {@code server}. */
    DnsReport run(Server server, List<ServerAddress> addresses) {
        Inet4Address ipv4 = (Inet4Address) address(addresses, AddressFamily.IPV4);
        Inet6Address ipv6 = (Inet6Address) address(addresses, AddressFamily.IPV6);
        String selector = server.dkimSelector() == null ? DnsCheckRequest.DEFAULT_SELECTOR : server.dkimSelector();
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(server.appHost()),
                DomainName.parse(server.name().toString()), ipv4, ipv6, selector, publicKey(server.dkimPublicKey()));
        return check.run(request);
    }

    private static InetAddress address(List<ServerAddress> addresses, AddressFamily family) {
        ServerAddress included = addresses.stream().filter(a -> a.family() == family && !a.extra()).findFirst()
                .orElseThrow(() -> new IllegalStateException("the server has no included " + family + " address"));
        try {
            // A literal: InetAddress parses it without a lookup.
            return InetAddress.getByName(included.address());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("stored address is not a literal: " + included.address(), e);
        }
    }

    /**
     * The stored DKIM public key, which may be a PEM block, a whole key record ({@code v=DKIM1; k=…;
     * p=…}) or the bare {@code p=} value; {@code null} when none is stored (the check then reports
     * only whether a record is published).
     */
    static PublicKey publicKey(String stored) {
        if (stored == null) {
            return null;
        }
        String text = stored.strip();
        if (text.startsWith("-----BEGIN")) {
            return DkimKeys.readPublicKeyPem(text);
        }
        if (text.contains("p=")) {
            return DkimKeyRecord.parse(text).publicKey();
        }
        try {
            return DkimKeyRecord.parse("p=" + text).publicKey();
        } catch (IllegalArgumentException notRsa) {
            return DkimKeyRecord.parse("k=ed25519; p=" + text).publicKey();
        }
    }
}
