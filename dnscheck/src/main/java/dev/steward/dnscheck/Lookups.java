package dev.steward.dnscheck;

import dev.steward.common.text.AddressText;
import dev.steward.mail.dns.DnsAnswer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/** Small shared pieces of the checks: how to name a failed lookup, how to show addresses. */
final class Lookups {

    private Lookups() {
    }

    /** {@code "TXT _dmarc.app.example.org: SERVFAIL from 127.0.0.1:53 (2 tries)"}. */
    static String failed(String type, String name, DnsAnswer.TempFail<?> failure) {
        return type + " " + name + ": " + failure.reason();
    }

    /** The address as a customer writes it: {@code 192.0.2.10}, {@code 2001:db8::10} (RFC 5952, no scope). */
    static String text(InetAddress address) {
        return AddressText.of(address);
    }

    static List<String> texts(Collection<InetAddress> addresses) {
        return addresses.stream().map(Lookups::text).toList();
    }
}
