package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.AddressPreference;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.MxHost;
import dev.steward.mail.dns.MxLookup;
import dev.steward.mail.dns.MxRoute;
import dev.steward.mail.model.DomainName;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code MxLookup} over {@code DnsjavaResolver} over {@link FakeDnsServer}: the whole mail-dns
 * stack on loopback. (In testkit for the reason given in {@link DnsjavaResolverIT}.)
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked socket fails, not hangs
class MxLookupIT {

    private static FakeDnsServer server;

    @BeforeAll
    static void startServer() {
        server = new FakeDnsServer(DnsZone.builder()
                .mx("example.test", 10, "mx1.example.test")
                .mx("example.test", 10, "mx2.example.test")
                .mx("example.test", 20, "backup.example.test")
                .a("mx1.example.test", "127.0.0.1")
                .aaaa("mx1.example.test", "::1")
                .a("mx2.example.test", "127.0.0.2")
                .a("backup.example.test", "127.0.0.3")
                .a("implicit.test", "127.0.0.4")
                .aaaa("implicit.test", "::1")
                .nullMx("nomail.test")
                .servfail("broken.test", "MX")
                .mx("alias.test", 10, "mail.alias.test")
                .cname("mail.alias.test", "mx1.example.test")
                .mx("partial.test", 10, "mx.partial.test")
                .a("mx.partial.test", "127.0.0.5")
                .servfail("mx.partial.test", "AAAA")
                .mx("dead.test", 10, "gone.dead.test")
                .mx("flaky.test", 10, "mx.flaky.test")
                .drop("mx.flaky.test")
                .build()).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static MxLookup lookup(AddressPreference preference, boolean ipv6, long seed) {
        DnsjavaResolver resolver = new DnsjavaResolver(DnsConfig.of(List.of(server.server()), Duration.ofMillis(300), 1));
        // SplittableRandom: java.util.Random's first draw barely differs between nearby seeds.
        return new MxLookup(resolver, preference, ipv6, new SplittableRandom(seed));
    }

    private static MxRoute route(String domain) {
        return lookup(AddressPreference.IPV6, true, 1).lookup(DomainName.parse(domain));
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void mxOrder_preferenceFirst_equalPreferencesShuffled() throws Exception {
        Set<String> firstHosts = new HashSet<>();
        for (long seed = 0; seed < 16; seed++) {
            MxRoute.Hosts route = (MxRoute.Hosts) lookup(AddressPreference.IPV6, true, seed).lookup(DomainName.parse("example.test"));
            List<String> names = route.hosts().stream().map(MxHost::name).toList();
            assertThat(names.subList(0, 2)).containsExactlyInAnyOrder("mx1.example.test", "mx2.example.test");
            assertThat(names.get(2)).isEqualTo("backup.example.test");
            firstHosts.add(names.getFirst());
        }
        assertThat(firstHosts).containsExactlyInAnyOrder("mx1.example.test", "mx2.example.test");

        MxRoute.Hosts route = (MxRoute.Hosts) route("example.test");
        MxHost mx1 = route.hosts().stream().filter(host -> host.name().equals("mx1.example.test")).findFirst().orElseThrow();
        assertThat(mx1.addresses()).containsExactly(ip("::1"), ip("127.0.0.1"));
        assertThat(mx1.preference()).isEqualTo(10);
        assertThat(mx1.implicit()).isFalse();
    }

    @Test
    void ipv4Preference_andIpv6Disabled() throws Exception {
        MxRoute.Hosts ipv4First = (MxRoute.Hosts) lookup(AddressPreference.IPV4, true, 1).lookup(DomainName.parse("implicit.test"));
        MxRoute.Hosts ipv4Only = (MxRoute.Hosts) lookup(AddressPreference.IPV6, false, 1).lookup(DomainName.parse("implicit.test"));

        assertThat(ipv4First.hosts().getFirst().addresses()).containsExactly(ip("127.0.0.4"), ip("::1"));
        assertThat(ipv4Only.hosts().getFirst().addresses()).containsExactly(ip("127.0.0.4"));
    }

    @Test
    void noMx_implicitMxIsTheDomain() throws Exception {
        assertThat(route("implicit.test")).isEqualTo(new MxRoute.Hosts("implicit.test", List.of(new MxHost(
                "implicit.test", 0, List.of(ip("::1"), ip("127.0.0.4")), true, java.util.Optional.empty())), List.of()));
    }

    @Test
    void nullMx() {
        assertThat(route("nomail.test")).isEqualTo(new MxRoute.NullMx("nomail.test"));
    }

    @Test
    void nxdomain_isNoSuchDomain() {
        assertThat(route("nonexistent.test")).isEqualTo(new MxRoute.NoSuchDomain("nonexistent.test"));
    }

    @Test
    void servfailOnMx_isTempFail() {
        assertThat(route("broken.test")).isEqualTo(new MxRoute.TempFail("broken.test",
                "MX lookup failed: SERVFAIL from " + server.server()));
    }

    @Test
    void mxHostBehindCname_isResolved() throws Exception {
        MxRoute.Hosts route = (MxRoute.Hosts) route("alias.test");

        assertThat(route.hosts().getFirst().name()).isEqualTo("mail.alias.test");
        assertThat(route.hosts().getFirst().addresses()).containsExactly(ip("::1"), ip("127.0.0.1"));
    }

    @Test
    void oneFamilyFailing_keepsTheHost_withTheProblemNoted() throws Exception {
        MxRoute.Hosts route = (MxRoute.Hosts) route("partial.test");

        assertThat(route.hosts().getFirst().addresses()).containsExactly(ip("127.0.0.5"));
        assertThat(route.hosts().getFirst().addressProblem())
                .contains("AAAA lookup failed: SERVFAIL from " + server.server());
    }

    @Test
    void mxHostThatDoesNotExist_isNoAddresses() {
        assertThat(route("dead.test")).isEqualTo(new MxRoute.NoAddresses("dead.test",
                "no MX host has a usable address: gone.dead.test (MX 10): host not found (NXDOMAIN)"));
    }

    @Test
    void mxHostWhoseLookupsTimeOut_isTempFail() {
        assertThat(route("flaky.test")).isInstanceOfSatisfying(MxRoute.TempFail.class, failed ->
                assertThat(failed.reason()).isEqualTo("no MX host has a usable address: mx.flaky.test (MX 10): "
                        + "AAAA lookup failed: timed out after 300ms at " + server.server()
                        + "; A lookup failed: timed out after 300ms at " + server.server()));
    }
}
