package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.MxRecord;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code DnsjavaResolver} (mail-dns) against {@link FakeDnsServer} on loopback: the real wire,
 * UDP and TCP.
 *
 * <p>These tests live here, not in mail-dns: mail-dns would need testkit in test scope, but testkit
 * depends on mail-dns, and Maven refuses that cycle even across scopes. mail-dns keeps its unit
 * tests (a map-based fake resolver, hand-built responses); the wire tests sit next to the fake
 * server.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked socket fails, not hangs
class DnsjavaResolverIT {

    private final List<FakeDnsServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeDnsServer::close);
    }

    private FakeDnsServer serve(DnsZone zone) {
        FakeDnsServer server = new FakeDnsServer(zone).start();
        servers.add(server);
        return server;
    }

    private static DnsjavaResolver resolverFor(Duration timeout, int attempts, FakeDnsServer... servers) {
        List<String> addresses = java.util.Arrays.stream(servers).map(FakeDnsServer::server).toList();
        return new DnsjavaResolver(DnsConfig.of(addresses, timeout, attempts));
    }

    private static DnsjavaResolver resolverFor(FakeDnsServer server) {
        return resolverFor(Duration.ofSeconds(2), 1, server);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void mx_recordsAsServed() {
        FakeDnsServer server = serve(DnsZone.builder()
                .mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 10, "MX1.Example.Test")
                .build());

        assertThat(resolverFor(server).mx("example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(
                new MxRecord(20, "mx2.example.test"), new MxRecord(10, "mx1.example.test"))));
    }

    @Test
    void ipv4AndIpv6_loopbackValues() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder()
                .a("mx.example.test", "127.0.0.1", "127.0.0.2")
                .aaaa("mx.example.test", "::1")
                .build());
        DnsjavaResolver resolver = resolverFor(server);

        assertThat(resolver.ipv4("mx.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.1"), ip("127.0.0.2"))));
        assertThat(resolver.ipv6("mx.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("::1"))));
        assertThat(resolver.ipv6("mx.example.test.")).as("trailing dot").isEqualTo(new DnsAnswer.Records<>(List.of(ip("::1"))));
    }

    @Test
    void txt_stringsJoinedPerRecord() {
        FakeDnsServer server = serve(DnsZone.builder()
                .txt("example.test", "v=spf1 ip4:127.0.0.1 ", "ip6:::1 -all")
                .txt("example.test", "google-site-verification=abc")
                .build());

        assertThat(resolverFor(server).txt("example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(
                "v=spf1 ip4:127.0.0.1 ip6:::1 -all", "google-site-verification=abc")));
    }

    @Test
    void nxdomainAndNodata_areKeptApart() {
        FakeDnsServer server = serve(DnsZone.builder().a("host.sub.example.test", "127.0.0.1").build());
        DnsjavaResolver resolver = resolverFor(server);

        assertThat(resolver.mx("missing.example.test")).isEqualTo(new DnsAnswer.NxDomain<>("missing.example.test"));
        assertThat(resolver.mx("host.sub.example.test")).isEqualTo(new DnsAnswer.NoData<>("host.sub.example.test"));
        assertThat(resolver.mx("sub.example.test")).as("empty non-terminal").isEqualTo(new DnsAnswer.NoData<>("sub.example.test"));
    }

    @Test
    void servfail_isTempFail_afterEveryAttempt() {
        FakeDnsServer server = serve(DnsZone.builder().servfail("example.test", "MX").build());
        DnsjavaResolver resolver = resolverFor(Duration.ofSeconds(2), 2, server);

        DnsAnswer<MxRecord> answer = resolver.mx("example.test");

        assertThat(answer).isEqualTo(new DnsAnswer.TempFail<>("example.test",
                "SERVFAIL from " + server.server() + " (2 tries)"));
        assertThat(server.udpQueries()).isEqualTo(2);
    }

    @Test
    void nameOutsideTestDomains_isRefused_soNoTestReachesRealDns() {
        FakeDnsServer server = serve(DnsZone.builder().mx("example.com", 10, "mx.example.com").build());

        assertThat(resolverFor(server).mx("example.com"))
                .isEqualTo(new DnsAnswer.TempFail<>("example.com", "REFUSED from " + server.server()));
    }

    @Test
    void droppedQuery_isTempFail_withinTheConfiguredTimeout() {
        FakeDnsServer server = serve(DnsZone.builder().drop("slow.test").build());
        DnsjavaResolver resolver = resolverFor(Duration.ofMillis(300), 1, server);

        long start = System.nanoTime();
        DnsAnswer<MxRecord> answer = resolver.mx("slow.test");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer).isEqualTo(new DnsAnswer.TempFail<>("slow.test", "timed out after 300ms at " + server.server()));
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofMillis(300 + 600));
        assertThat(server.udpQueries()).isEqualTo(1);
    }

    @Test
    void timeouts_areRetried_overEveryServer_andTheNextServerAnswers() throws Exception {
        FakeDnsServer silent = serve(DnsZone.builder().drop("example.test").build());
        FakeDnsServer working = serve(DnsZone.builder().a("example.test", "127.0.0.5").build());
        DnsjavaResolver resolver = resolverFor(Duration.ofMillis(200), 2, silent, working);

        assertThat(resolver.ipv4("example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.5"))));
        assertThat(silent.udpQueries()).isEqualTo(1);
        assertThat(working.udpQueries()).isEqualTo(1);

        DnsjavaResolver bothSilent = resolverFor(Duration.ofMillis(200), 2, silent, silent);
        assertThat(bothSilent.ipv4("example.test")).isEqualTo(new DnsAnswer.TempFail<>("example.test",
                "timed out after 200ms at " + silent.server() + " (4 tries)"));
    }

    @Test
    void serverNotListening_isTempFail_withAOneLineReason() {
        FakeDnsServer gone = new FakeDnsServer(DnsZone.empty()).start();
        String address = gone.server();
        gone.close();
        DnsjavaResolver resolver = new DnsjavaResolver(DnsConfig.of(List.of(address), Duration.ofMillis(300), 1));

        DnsAnswer<MxRecord> answer = resolver.mx("example.test");

        // Linux reports the ICMP port unreachable; elsewhere the try may simply time out.
        assertThat(answer).isIn(
                new DnsAnswer.TempFail<>("example.test", "nothing listens at " + address + " (ICMP port unreachable)"),
                new DnsAnswer.TempFail<>("example.test", "timed out after 300ms at " + address));
    }

    @Test
    void truncatedUdpAnswer_isAskedAgainOverTcp() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder()
                .a("big.example.test", "127.0.0.1")
                .truncate("big.example.test", "A")
                .build());

        assertThat(resolverFor(server).ipv4("big.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.1"))));
        assertThat(server.udpQueries()).isEqualTo(1);
        assertThat(server.tcpQueries()).isEqualTo(1);
        assertThat(server.queries()).containsExactly(
                new FakeDnsServer.Query(FakeDnsServer.Transport.UDP, "big.example.test", "A"),
                new FakeDnsServer.Query(FakeDnsServer.Transport.TCP, "big.example.test", "A"));
    }

    @Test
    void answerLargerThanTheUdpPayload_isTruncated_andFetchedOverTcp() {
        DnsZone.Builder zone = DnsZone.builder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String text = "record-" + i + "-" + "x".repeat(200);
            zone.txt("large.example.test", text);
            expected.add(text);
        }
        FakeDnsServer server = serve(zone.build());

        DnsAnswer<String> answer = resolverFor(server).txt("large.example.test");

        assertThat(answer).isInstanceOf(DnsAnswer.Records.class);
        assertThat(((DnsAnswer.Records<String>) answer).records()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(server.tcpQueries()).isEqualTo(1);
    }

    @Test
    void cnameChain_isFollowed() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder()
                .cname("www.example.test", "web.example.test")
                .cname("web.example.test", "host.example.test")
                .a("host.example.test", "127.0.0.9")
                .build());

        assertThat(resolverFor(server).ipv4("www.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.9"))));
        assertThat(server.udpQueries()).as("the server followed the chain; one question").isEqualTo(1);
    }

    @Test
    void cnameWhoseTargetTheServerDoesNotFollow_isAskedForSeparately() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder()
                .cname("www.example.test", "host.other.test")
                .a("host.other.test", "127.0.0.10")
                .build()).followCnames(false);

        assertThat(resolverFor(server).ipv4("www.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.10"))));
        assertThat(server.queries()).extracting(FakeDnsServer.Query::name).containsExactly("www.example.test", "host.other.test");
    }

    @Test
    void ptr_ofIpv4AndIpv6_andCname_oneLinkNotFollowed() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder()
                .ptr("192.0.2.25", "mail.example.test")
                .ptr("2001:db8::25", "mail6.example.test")
                .cname("www.example.test", "web.example.test")
                .cname("web.example.test", "host.example.test")
                .a("host.example.test", "192.0.2.25")
                .build());
        DnsjavaResolver resolver = resolverFor(server);

        assertThat(resolver.ptr(ip("192.0.2.25"))).isEqualTo(new DnsAnswer.Records<>(List.of("mail.example.test")));
        assertThat(resolver.ptr(ip("2001:db8::25"))).isEqualTo(new DnsAnswer.Records<>(List.of("mail6.example.test")));
        assertThat(resolver.ptr(ip("192.0.2.26"))).isInstanceOf(DnsAnswer.NxDomain.class);
        assertThat(resolver.cname("www.example.test")).isEqualTo(new DnsAnswer.Records<>(List.of("web.example.test")));
        assertThat(resolver.cname("host.example.test")).isInstanceOf(DnsAnswer.NoData.class);
    }

    @Test
    void malformedMxExchange_isDropped_andTheValidOneKept() {
        FakeDnsServer server = serve(DnsZone.builder()
                .mx("example.test", 10, "mx_1.example.test")
                .mx("example.test", 20, "mx2.example.test")
                .mx("bad.test", 10, "under_score.bad.test")
                .build());
        DnsjavaResolver resolver = resolverFor(server);

        assertThat(resolver.mx("example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(new MxRecord(20, "mx2.example.test"))));
        assertThat(resolver.mx("bad.test")).isInstanceOfSatisfying(DnsAnswer.TempFail.class,
                failed -> assertThat(failed.reason()).startsWith("malformed MX record: MX exchange is not a host name"));
    }

    @Test
    void nullMx_comesBackAsTheRoot() {
        FakeDnsServer server = serve(DnsZone.builder().nullMx("nomail.test").build());

        assertThat(resolverFor(server).mx("nomail.test")).isEqualTo(new DnsAnswer.Records<>(List.of(new MxRecord(0, "."))));
    }

    @Test
    void oneResolver_servesManyThreadsAtOnce() throws Exception {
        DnsZone.Builder zone = DnsZone.builder();
        for (int i = 0; i < 32; i++) {
            zone.a("h" + i + ".example.test", "127.0.1." + i);
        }
        FakeDnsServer server = serve(zone.build());
        DnsjavaResolver resolver = resolverFor(server);
        List<Callable<DnsAnswer<InetAddress>>> tasks = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String name = "h" + i + ".example.test";
            tasks.add(() -> resolver.ipv4(name));
        }

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DnsAnswer<InetAddress>>> answers = threads.invokeAll(tasks);
            for (int i = 0; i < 32; i++) {
                assertThat(answers.get(i).get()).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.1." + i))));
            }
        }
    }

    @Test
    void zoneReplacedWhileRunning_answersFromTheNewZone() throws Exception {
        FakeDnsServer server = serve(DnsZone.builder().servfail("example.test").build());
        DnsjavaResolver resolver = resolverFor(server);
        assertThat(resolver.ipv4("example.test")).isInstanceOf(DnsAnswer.TempFail.class);

        server.replaceZone(DnsZone.builder().a("example.test", "127.0.0.1").build());

        assertThat(resolver.ipv4("example.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.1"))));
    }
}
