package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.AddressPreference;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.MxHost;
import dev.steward.mail.dns.MxLookup;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.MxRoute;
import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code DnsjavaResolver} and {@code MxLookup} against a real authoritative server: a private NSD
 * ({@code scripts/dns-instance}) on a loopback port serving {@code interop.test.zone} and
 * {@code other.test.zone} (test resources). Checks that what our fake server taught the code holds
 * against an independent implementation: MX order, implicit and null MX, NXDOMAIN vs NODATA, CNAMEs
 * inside and across zones, TXT joining, truncation and the TCP retry, REFUSED outside its zones.
 *
 * <p>One NSD serves the whole class (it is read-only, and starting it per test would only repeat the
 * same zone load).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthoritativeDnsInteropIT {

    private static Path work;
    private static DnsInstance nsd;

    @BeforeAll
    static void startNsd() {
        work = InteropPaths.newWorkDir("nsd");
        List<Path> zones = new ArrayList<>();
        for (String zone : List.of("interop.test.zone", "other.test.zone")) {
            Path file = work.resolve(zone);
            try (InputStream in = AuthoritativeDnsInteropIT.class.getResourceAsStream(zone)) {
                Files.copy(in, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            zones.add(file);
        }
        nsd = DnsInstance.start(work.resolve("nsd"), zones);
    }

    @AfterAll
    static void stopNsd() {
        if (nsd != null) {
            nsd.close();
        }
    }

    private static DnsjavaResolver resolver() {
        return new DnsjavaResolver(DnsConfig.of(List.of(nsd.server()), Duration.ofSeconds(3), 1));
    }

    private static MxRoute route(String domain, AddressPreference preference, boolean ipv6) {
        return new MxLookup(resolver(), preference, ipv6, new SplittableRandom(1)).lookup(DomainName.parse(domain));
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static MxHost host(String name, int preference, boolean implicit, InetAddress... addresses) {
        return new MxHost(name, preference, List.of(addresses), implicit, Optional.empty());
    }

    @Test
    void mxRecords() {
        DnsAnswer<MxRecord> answer = resolver().mx("interop.test");

        assertThat(answer).isInstanceOf(DnsAnswer.Records.class);
        assertThat(((DnsAnswer.Records<MxRecord>) answer).records()).containsExactlyInAnyOrder(
                new MxRecord(10, "mx1.interop.test"), new MxRecord(20, "mx2.interop.test"));
    }

    @Test
    void mxLookup_preferenceOrder_withIpv6AndIpv4() throws Exception {
        assertThat(route("interop.test", AddressPreference.IPV6, true)).isEqualTo(new MxRoute.Hosts("interop.test", List.of(
                host("mx1.interop.test", 10, false, ip("::1"), ip("127.0.0.1")),
                host("mx2.interop.test", 20, false, ip("::1"), ip("127.0.0.2"))), List.of()));
        assertThat(route("interop.test", AddressPreference.IPV4, true)).isEqualTo(new MxRoute.Hosts("interop.test", List.of(
                host("mx1.interop.test", 10, false, ip("127.0.0.1"), ip("::1")),
                host("mx2.interop.test", 20, false, ip("127.0.0.2"), ip("::1"))), List.of()));
        assertThat(route("interop.test", AddressPreference.ANY, false)).isEqualTo(new MxRoute.Hosts("interop.test", List.of(
                host("mx1.interop.test", 10, false, ip("127.0.0.1")),
                host("mx2.interop.test", 20, false, ip("127.0.0.2"))), List.of()));
    }

    @Test
    void mxLookup_equalPreferences_areShuffled() {
        DnsjavaResolver resolver = resolver();
        Set<String> first = new HashSet<>();
        for (long seed = 0; seed < 16; seed++) {
            MxRoute.Hosts route = (MxRoute.Hosts) new MxLookup(resolver, AddressPreference.ANY, true, new SplittableRandom(seed))
                    .lookup(DomainName.parse("shuffle.interop.test"));
            assertThat(route.hosts()).extracting(MxHost::preference).containsExactly(10, 10);
            first.add(route.hosts().getFirst().name());
        }
        assertThat(first).containsExactlyInAnyOrder("mx1.interop.test", "mx2.interop.test");
    }

    @Test
    void nullMx() {
        assertThat(route("nomail.interop.test", AddressPreference.ANY, true)).isEqualTo(new MxRoute.NullMx("nomail.interop.test"));
    }

    @Test
    void noMx_isTheImplicitMx() throws Exception {
        assertThat(route("nomx.interop.test", AddressPreference.ANY, true)).isEqualTo(new MxRoute.Hosts("nomx.interop.test",
                List.of(host("nomx.interop.test", 0, true, ip("::1"), ip("127.0.0.3"))), List.of()));
    }

    @Test
    void nxdomain_andNodata() {
        DnsjavaResolver resolver = resolver();

        assertThat(route("missing.interop.test", AddressPreference.ANY, true))
                .isEqualTo(new MxRoute.NoSuchDomain("missing.interop.test"));
        assertThat(resolver.ipv4("missing.interop.test")).isEqualTo(new DnsAnswer.NxDomain<>("missing.interop.test"));
        assertThat(resolver.mx("mx1.interop.test")).isEqualTo(new DnsAnswer.NoData<>("mx1.interop.test"));
    }

    @Test
    void mxHostThatDoesNotExist_isNoAddresses() {
        assertThat(route("dangling.interop.test", AddressPreference.ANY, true)).isEqualTo(new MxRoute.NoAddresses(
                "dangling.interop.test",
                "no MX host has a usable address: nothere.interop.test (MX 10): host not found (NXDOMAIN)"));
    }

    @Test
    void cnames_insideTheZone_andIntoAnotherZone() throws Exception {
        DnsjavaResolver resolver = resolver();

        assertThat(resolver.ipv4("www.interop.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.1"))));
        assertThat(resolver.ipv4("alias.interop.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("127.0.0.4"))));
        assertThat(route("viacname.interop.test", AddressPreference.IPV4, true)).isEqualTo(new MxRoute.Hosts(
                "viacname.interop.test", List.of(host("www.interop.test", 10, false, ip("127.0.0.1"), ip("::1"))), List.of()));
    }

    @Test
    void txt_joinedPerRecord_andAnOversizedAnswerComesOverTcp() {
        DnsjavaResolver resolver = resolver();

        assertThat(resolver.txt("interop.test")).isEqualTo(new DnsAnswer.Records<>(List.of("v=spf1 ip4:127.0.0.1 ip6:::1 -all")));
        DnsAnswer<String> big = resolver.txt("big.interop.test");
        assertThat(big).isInstanceOf(DnsAnswer.Records.class);
        List<String> records = ((DnsAnswer.Records<String>) big).records();
        // Eight records of 200 octets do not fit a UDP answer of the 1280 octets dnsjava offers
        // (EDNS); all eight arriving means the truncated UDP answer was asked again over TCP.
        assertThat(records).hasSize(8).allSatisfy(text -> assertThat(text).hasSize(200).startsWith("big-"));
        assertThat(records.stream().mapToInt(String::length).sum()).isGreaterThan(1280);
    }

    @Test
    void namesOutsideItsZones_areRefused() {
        DnsAnswer<MxRecord> answer = resolver().mx("example.com");

        assertThat(answer).isEqualTo(new DnsAnswer.TempFail<>("example.com", "REFUSED from " + nsd.server()));
    }

    @Test
    void overIpv6Transport() throws Exception {
        String port = nsd.server().substring(nsd.server().lastIndexOf(':') + 1);
        DnsjavaResolver overIpv6 = new DnsjavaResolver(DnsConfig.of(List.of("[::1]:" + port), Duration.ofSeconds(3), 1));

        assertThat(overIpv6.ipv6("mx1.interop.test")).isEqualTo(new DnsAnswer.Records<>(List.of(ip("::1"))));
    }
}
