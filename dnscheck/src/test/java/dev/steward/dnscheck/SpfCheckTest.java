package dev.steward.dnscheck;

import static dev.steward.dnscheck.DnsCheckTest.codes;
import static dev.steward.dnscheck.DnsCheckTest.run;
import static dev.steward.dnscheck.Zones.APP;
import static dev.steward.dnscheck.Zones.IPV4;
import static dev.steward.dnscheck.Zones.IPV6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.testkit.DnsZone;
import org.junit.jupiter.api.Test;

class SpfCheckTest {

    static DnsZone.Builder without() {
        return Zones.dmarc(Zones.dkim(Zones.addresses(Zones.server(DnsZone.builder()))));
    }

    @Test
    void bothAddressesAuthorized_passTwice() {
        DnsReport report = run(Zones.good());

        assertThat(codes(report, "spf")).containsExactly("spf.pass", "spf.pass");
        assertThat(report.findings("spf").getFirst().message()).contains("IPv4").contains(IPV4);
    }

    @Test
    void noIp6_ipv6NotPass_fail() {
        DnsReport report = run(without().txt(APP, "v=spf1 ip4:" + IPV4 + " -all"));

        assertThat(codes(report, "spf")).containsExactly("spf.pass", "spf.not-pass");
        Finding ipv6 = report.findings("spf").get(1);
        assertThat(ipv6.message()).contains("gives fail").contains("ip6:" + IPV6);
        assertThat(ipv6.current()).containsExactly("v=spf1 ip4:" + IPV4 + " -all");
        assertThat(ipv6.message()).contains("Replace the SPF record").contains("ip6:" + IPV6 + " added");
        assertThat(ipv6.records()).containsExactly(
                RecordChange.remove(APP, "TXT", "v=spf1 ip4:" + IPV4 + " -all"),
                RecordChange.publish(APP, "TXT", "v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " -all"));
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void existingRecordWithInclude_mergedNotReplaced() {
        DnsZone.Builder zone = without().txt(APP, "v=spf1 include:_spf.mail.test ~all").txt("_spf.mail.test", "v=spf1 ip4:198.51.100.0/24 -all");

        DnsReport report = run(zone);

        assertThat(codes(report, "spf")).containsExactly("spf.not-pass", "spf.not-pass");
        Finding first = report.findings("spf").getFirst();
        assertThat(first.records()).last().isEqualTo(RecordChange.publish(APP, "TXT",
                "v=spf1 include:_spf.mail.test ip4:" + IPV4 + " ip6:" + IPV6 + " ~all"));
        assertThat(report.findings("spf").get(1).records()).isEmpty();
        assertThat(report.findings("spf").get(1).message()).contains("proposed above");
    }

    @Test
    void permissiveAll_passesButWarns() {
        DnsReport report = run(without().txt(APP, "v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " +all"));

        assertThat(codes(report, "spf")).containsExactly("spf.pass", "spf.pass", "spf.permissive-all");
        assertThat(report.findings("spf").get(2).severity()).isEqualTo(Severity.WARN);
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void noRecord_noneIsNotPass() {
        DnsReport report = run(without());

        assertThat(codes(report, "spf")).containsExactly("spf.not-pass", "spf.not-pass");
        assertThat(report.findings("spf").getFirst().message()).contains("gives none").contains("Create");
        assertThat(report.findings("spf").getFirst().records()).containsExactly(
                RecordChange.publish(APP, "TXT", "v=spf1 a ip4:" + IPV4 + " ip6:" + IPV6 + " ~all"));
    }

    @Test
    void overTheLookupLimit_permerror() {
        DnsZone.Builder zone = without().txt(APP, "v=spf1 " + "a:x.example.test ".repeat(11) + "ip4:" + IPV4 + " ip6:" + IPV6 + " -all")
                .a("x.example.test", "198.51.100.1");

        DnsReport report = run(zone);

        assertThat(codes(report, "spf")).containsExactly("spf.not-pass", "spf.not-pass", "spf.lookup-limit");
        assertThat(report.findings("spf").getFirst().message()).contains("permerror").contains("10");
        assertThat(report.findings("spf").get(2).severity()).isEqualTo(Severity.WARN);
        // Both addresses are already listed: nothing to publish, and the record must not be removed.
        assertThat(report.findings("spf").getFirst().records()).isEmpty();
        assertThat(report.findings("spf").getFirst().message()).contains("already lists the server's addresses");
    }

    @Test
    void dnsFails_uncheckedTemperror() {
        DnsReport report = run(Zones.good().servfail(APP, "TXT"));

        assertThat(codes(report, "spf")).containsExactly("spf.lookup-failed", "spf.lookup-failed");
        assertThat(report.exitCode()).isEqualTo(2);
    }
}
