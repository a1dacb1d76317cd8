package dev.steward.dnscheck;

import static dev.steward.dnscheck.DnsCheckTest.codes;
import static dev.steward.dnscheck.DnsCheckTest.run;
import static dev.steward.dnscheck.Zones.IPV4;
import static dev.steward.dnscheck.Zones.IPV6;
import static dev.steward.dnscheck.Zones.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.testkit.DnsZone;
import org.junit.jupiter.api.Test;

class ReverseDnsCheckTest {

    static DnsZone.Builder withoutPtr() {
        return Zones.dmarc(Zones.dkim(Zones.spf(Zones.addresses(DnsZone.builder())))).a(SERVER, IPV4).aaaa(SERVER, IPV6);
    }

    @Test
    void bothForwardConfirmed_ok() {
        DnsReport report = run(Zones.good());

        assertThat(codes(report, "reverse")).containsExactly("reverse.ok", "reverse.ok");
        assertThat(report.findings("reverse").get(1).name()).isEqualTo(IPV6);
        assertThat(report.findings("reverse").get(1).current()).containsExactly("PTR " + SERVER, SERVER + " AAAA " + IPV6);
    }

    @Test
    void missingPtr_warnForTheProvider_exitUnaffected() {
        DnsReport report = run(withoutPtr().ptr(IPV4, SERVER));

        assertThat(codes(report, "reverse")).containsExactly("reverse.ok", "reverse.missing");
        Finding missing = report.findings("reverse").get(1);
        assertThat(missing.severity()).isEqualTo(Severity.WARN);
        assertThat(missing.message()).contains("provider");
        assertThat(missing.records()).containsExactly(RecordChange.publish(
                "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", "PTR", SERVER));
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void ptrNameDoesNotResolveBack_unconfirmed() {
        DnsReport report = run(withoutPtr().ptr(IPV4, "mail.other.test").a("mail.other.test", "198.51.100.1")
                .ptr(IPV6, "gone.other.test"));

        assertThat(codes(report, "reverse")).containsExactly("reverse.unconfirmed", "reverse.unconfirmed");
        assertThat(report.findings("reverse").get(0).current()).containsExactly("PTR mail.other.test (A 198.51.100.1)");
        assertThat(report.findings("reverse").get(1).current()).containsExactly("PTR gone.other.test (gone.other.test does not exist)");
    }

    @Test
    void forwardLookupFails_unchecked() {
        DnsReport report = run(Zones.good().servfail(SERVER, "AAAA"));

        // The server's own AAAA lookup fails first, so there is no IPv6 address to check.
        assertThat(codes(report, "server")).containsExactly("server.lookup-failed");
        assertThat(codes(report, "reverse")).containsExactly("reverse.ok");
    }
}
