package dev.steward.dnscheck;

import static dev.steward.dnscheck.Zones.APP;
import static dev.steward.dnscheck.Zones.IPV4;
import static dev.steward.dnscheck.Zones.IPV6;
import static dev.steward.dnscheck.Zones.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.InMemoryResolver;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DnsCheckTest {

    static DnsReport run(DnsZone.Builder zone) {
        return run(zone, Zones.request());
    }

    static DnsReport run(DnsZone.Builder zone, DnsCheckRequest request) {
        return new DnsCheck(new InMemoryResolver(zone.build()), Duration.ofSeconds(5)).run(request);
    }

    static Finding only(DnsReport report, String check) {
        List<Finding> findings = report.findings(check);
        assertThat(findings).as("findings of %s in %s", check, report.findings()).hasSize(1);
        return findings.getFirst();
    }

    static List<String> codes(DnsReport report, String check) {
        return report.findings(check).stream().map(Finding::code).toList();
    }

    @Test
    void goodSetup_everythingOk_exitZero() {
        DnsReport report = run(Zones.good());

        assertThat(report.findings()).allSatisfy(finding -> assertThat(finding.severity())
                .as(finding.toString()).isIn(Severity.OK));
        assertThat(codes(report, "address")).containsExactly("address.a-ok", "address.aaaa-ok");
        assertThat(codes(report, "dkim")).containsExactly("dkim.ok");
        assertThat(codes(report, "reverse")).containsExactly("reverse.ok", "reverse.ok");
        assertThat(report.exitCode()).isZero();
        assertThat(report.ipv4().getHostAddress()).isEqualTo(IPV4);
    }

    @Test
    void address_cnameToServerName_failWithRecordsToCreate() {
        DnsZone.Builder zone = Zones.dmarc(Zones.dkim(Zones.server(DnsZone.builder()))).cname(APP, SERVER);

        DnsReport report = run(zone);

        Finding finding = only(report, "address");
        assertThat(finding.code()).isEqualTo("address.cname");
        assertThat(finding.severity()).isEqualTo(Severity.FAIL);
        assertThat(finding.current()).first().isEqualTo("CNAME " + SERVER);
        assertThat(finding.message()).contains("the server's name").contains("Remove the CNAME");
        assertThat(finding.records()).containsExactly(
                RecordChange.remove(APP, "CNAME", SERVER),
                RecordChange.publish(APP, "A", IPV4),
                RecordChange.publish(APP, "AAAA", IPV6));
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void address_cnameChain_everyHopShown() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder())
                .cname(APP, "alias.example.test").cname("alias.example.test", SERVER);

        Finding finding = only(run(zone), "address");

        assertThat(finding.code()).isEqualTo("address.cname");
        assertThat(finding.current()).startsWith("CNAME alias.example.test", "CNAME " + SERVER + " (via alias.example.test)");
        assertThat(finding.message()).contains("through alias.example.test").contains("the server's name");
        assertThat(finding.records().getFirst()).isEqualTo(RecordChange.remove(APP, "CNAME", "alias.example.test"));
    }

    @Test
    void address_cnameLoop_boundedAndReported() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder())
                .cname(APP, "a.example.test").cname("a.example.test", "b.example.test").cname("b.example.test", APP);

        Finding finding = only(run(zone), "address");

        assertThat(finding.code()).isEqualTo("address.cname");
        assertThat(finding.message()).contains("loops back to " + APP);
    }

    @Test
    void address_cnameToAnotherHost_failNotCalledServer() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder()).cname(APP, "web.elsewhere.test").a("web.elsewhere.test", "198.51.100.7");

        Finding finding = only(run(zone), "address");

        assertThat(finding.message()).doesNotContain("the server's name").contains("alias (CNAME) of web.elsewhere.test");
        assertThat(finding.current()).contains("web.elsewhere.test has A 198.51.100.7");
    }

    @Test
    void address_wrongA_failNamesBothAddresses() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder()).a(APP, "198.51.100.7").aaaa(APP, IPV6);

        DnsReport report = run(zone);

        assertThat(codes(report, "address")).containsExactly("address.a-wrong", "address.aaaa-ok");
        Finding wrong = report.findings("address").getFirst();
        assertThat(wrong.current()).containsExactly("A 198.51.100.7");
        assertThat(wrong.message()).contains("points elsewhere").contains("198.51.100.7").contains(IPV4);
        assertThat(wrong.records()).containsExactly(
                RecordChange.remove(APP, "A", "198.51.100.7"), RecordChange.publish(APP, "A", IPV4));
    }

    @Test
    void address_extraA_failRemoveOnlyTheOther() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder()).a(APP, IPV4, "198.51.100.7").aaaa(APP, IPV6);

        Finding wrong = run(zone).findings("address").getFirst();

        assertThat(wrong.code()).isEqualTo("address.a-wrong");
        assertThat(wrong.message()).contains("but also 198.51.100.7");
        assertThat(wrong.records()).containsExactly(RecordChange.remove(APP, "A", "198.51.100.7"));
    }

    @Test
    void address_missingAaaa_failSaysWhichFamily() {
        DnsZone.Builder zone = Zones.server(DnsZone.builder()).a(APP, IPV4);

        DnsReport report = run(zone);

        assertThat(codes(report, "address")).containsExactly("address.a-ok", "address.aaaa-missing");
        Finding missing = report.findings("address").get(1);
        assertThat(missing.message()).contains("no AAAA record").contains("IPv6");
        assertThat(missing.records()).containsExactly(RecordChange.publish(APP, "AAAA", IPV6));
    }

    @Test
    void address_appHostDoesNotExist_bothFamiliesMissing() {
        DnsReport report = run(Zones.server(DnsZone.builder()));

        assertThat(codes(report, "address")).containsExactly("address.a-missing", "address.aaaa-missing");
        assertThat(report.findings("address").getFirst().message()).contains("does not exist");
    }

    @Test
    void address_lookupFails_uncheckedNotMissing_exitTwo() {
        DnsZone.Builder zone = Zones.good().servfail(APP, "AAAA");

        DnsReport report = run(zone);

        assertThat(codes(report, "address")).containsExactly("address.a-ok", "address.lookup-failed");
        Finding failed = report.findings("address").get(1);
        assertThat(failed.severity()).isEqualTo(Severity.UNCHECKED);
        assertThat(failed.failedLookups()).containsExactly("AAAA " + APP + ": SERVFAIL (scripted)");
        assertThat(failed.records()).isEmpty();
        assertThat(report.exitCode()).isEqualTo(2);
    }

    @Test
    void server_givenAddresses_noServerLookups() throws Exception {
        // No records for the server name at all: the given addresses are all the check needs.
        InMemoryResolver resolver = new InMemoryResolver(
                Zones.dmarc(Zones.dkim(Zones.spf(Zones.addresses(DnsZone.builder())))).build());
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(APP), null,
                (Inet4Address) InetAddress.getByName(IPV4), (Inet6Address) InetAddress.getByName(IPV6), "nexx", Zones.key());

        DnsReport report = new DnsCheck(resolver, Duration.ofSeconds(5)).run(request);

        assertThat(resolver.questions()).noneMatch(question -> question.endsWith(" " + SERVER));
        assertThat(report.findings("server")).isEmpty();
        assertThat(codes(report, "reverse")).containsExactly("reverse.missing", "reverse.missing");
        assertThat(codes(report, "address")).containsExactly("address.a-ok", "address.aaaa-ok");
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void server_nameWithoutAaaa_uncheckedAndIpv6ChecksSkipped() {
        DnsZone.Builder zone = Zones.dmarc(Zones.dkim(Zones.spf(Zones.addresses(DnsZone.builder()))))
                .a(SERVER, IPV4).ptr(IPV4, SERVER);

        DnsReport report = run(zone);

        Finding server = only(report, "server");
        assertThat(server.code()).isEqualTo("server.address-missing");
        assertThat(server.message()).contains("--ipv6");
        assertThat(codes(report, "address")).containsExactly("address.a-ok");
        assertThat(report.ipv6()).isNull();
        assertThat(report.exitCode()).isEqualTo(2);
    }

    @Test
    void server_nameLookupFails_unchecked() {
        DnsReport report = run(Zones.good().servfail(SERVER));

        assertThat(codes(report, "server")).containsExactly("server.lookup-failed", "server.lookup-failed");
        assertThat(report.failedLookups()).contains("A " + SERVER + ": SERVFAIL (scripted)");
        assertThat(report.exitCode()).isEqualTo(2);
    }

    @Test
    void request_withoutNameNeedsBothAddresses() throws Exception {
        assertThatThrownBy(() -> new DnsCheckRequest(DomainName.parse(APP), null,
                (Inet4Address) InetAddress.getByName(IPV4), null, "nexx", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both");
    }

    @Test
    void exitCode_failBeatsWarnAndUncheckedBeatsFail() {
        Finding fail = Finding.fail("dkim.missing", "x", List.of(), "m", List.of());
        Finding warn = Finding.warn("dmarc.policy-none", "x", List.of(), "m", List.of());
        Finding unchecked = Finding.unchecked("dkim.lookup-failed", "x", "m", List.of("TXT x: SERVFAIL"));
        DomainName app = DomainName.parse(APP);

        assertThat(new DnsReport(app, null, null, null, "nexx", List.of(warn)).exitCode()).isZero();
        assertThat(new DnsReport(app, null, null, null, "nexx", List.of(warn, fail)).exitCode()).isEqualTo(1);
        assertThat(new DnsReport(app, null, null, null, "nexx", List.of(fail, unchecked)).exitCode()).isEqualTo(2);
    }

    @Test
    @Timeout(10)
    void deadline_resolverThatNeverAnswers_returnsInTimeWithUncheckedFindings() {
        CountDownLatch never = new CountDownLatch(1);
        Resolver hanging = new HangingResolver(never);
        long start = System.nanoTime();
        try {
            DnsReport report = new DnsCheck(hanging, Duration.ofMillis(300)).run(Zones.request());

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(report.findings()).isNotEmpty().allSatisfy(finding ->
                    assertThat(finding.severity()).isEqualTo(Severity.UNCHECKED));
            assertThat(report.failedLookups()).anySatisfy(lookup -> assertThat(lookup).contains("deadline"));
            assertThat(report.exitCode()).isEqualTo(2);
        } finally {
            never.countDown();
        }
    }

    /** Blocks every question until the latch opens, like a server that never answers. */
    private record HangingResolver(CountDownLatch release) implements Resolver {
        private <T> DnsAnswer<T> hang(String name) {
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return new DnsAnswer.TempFail<>(name, "released");
        }

        @Override
        public DnsAnswer<MxRecord> mx(String name) {
            return hang(name);
        }

        @Override
        public DnsAnswer<InetAddress> ipv4(String name) {
            return hang(name);
        }

        @Override
        public DnsAnswer<InetAddress> ipv6(String name) {
            return hang(name);
        }

        @Override
        public DnsAnswer<String> txt(String name) {
            return hang(name);
        }

        @Override
        public DnsAnswer<String> ptr(InetAddress address) {
            return hang(address.getHostAddress());
        }

        @Override
        public DnsAnswer<String> cname(String name) {
            return hang(name);
        }
    }
}
