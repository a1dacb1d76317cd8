package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.steward.mail.model.DomainName;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MxLookupTest {

    private static final String TWO_MX = """
            example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test;
            mx1.example.test A 127.0.0.1; mx1.example.test AAAA ::1;
            mx2.example.test A 127.0.0.2; mx2.example.test A 127.0.0.3; mx2.example.test AAAA ::2""";

    /** Renders a route compactly: {@code hosts mx1.example.test/10=::1,127.0.0.1 ...}. */
    private static String render(MxRoute route) {
        return switch (route) {
            case MxRoute.Hosts hosts -> "hosts " + hosts.hosts().stream().map(host -> host.name() + "/"
                    + (host.implicit() ? "implicit" : host.preference()) + "="
                    + host.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",")))
                    .collect(Collectors.joining(" "))
                    + (hosts.skipped().isEmpty() ? "" : " skipped " + hosts.skipped().stream()
                            .map(MxHost::name).collect(Collectors.joining(",")));
            case MxRoute.NullMx nullMx -> "null-mx";
            case MxRoute.NoSuchDomain missing -> "nxdomain";
            case MxRoute.NoAddresses none -> "no-addresses";
            case MxRoute.TempFail failed -> "tempfail";
        };
    }

    private static MxRoute lookup(String zone, AddressPreference preference, boolean ipv6) {
        return new MxLookup(FakeResolver.parse(zone), preference, ipv6, new Random(1))
                .lookup(DomainName.parse("example.test"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ordered by preference, IPv6 first           | IPV6 | true  | hosts mx1.example.test/10=0:0:0:0:0:0:0:1,127.0.0.1 mx2.example.test/20=0:0:0:0:0:0:0:2,127.0.0.2,127.0.0.3
            IPv4 first                                  | IPV4 | true  | hosts mx1.example.test/10=127.0.0.1,0:0:0:0:0:0:0:1 mx2.example.test/20=127.0.0.2,127.0.0.3,0:0:0:0:0:0:0:2
            any: interleaved, IPv6 first                | ANY  | true  | hosts mx1.example.test/10=0:0:0:0:0:0:0:1,127.0.0.1 mx2.example.test/20=0:0:0:0:0:0:0:2,127.0.0.2,127.0.0.3
            IPv6 disabled: no AAAA at all               | IPV6 | false | hosts mx1.example.test/10=127.0.0.1 mx2.example.test/20=127.0.0.2,127.0.0.3
            """)
    void lookup_addressOrder(String description, AddressPreference preference, boolean ipv6, String expected) {
        assertThat(render(lookup(TWO_MX, preference, ipv6))).isEqualTo(expected);
    }

    @Test
    void lookup_any_interleavesFamiliesOfOneHost() {
        String zone = """
                example.test MX 10 mx.example.test;
                mx.example.test A 127.0.0.1; mx.example.test A 127.0.0.2; mx.example.test A 127.0.0.3;
                mx.example.test AAAA ::1; mx.example.test AAAA ::2""";

        assertThat(render(lookup(zone, AddressPreference.ANY, true)))
                .isEqualTo("hosts mx.example.test/10=0:0:0:0:0:0:0:1,127.0.0.1,0:0:0:0:0:0:0:2,127.0.0.2,127.0.0.3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no MX: implicit MX is the domain              | example.test A 127.0.0.9; example.test AAAA ::9                                  | hosts example.test/implicit=0:0:0:0:0:0:0:9,127.0.0.9
            no MX, only A                                 | example.test A 127.0.0.9                                                         | hosts example.test/implicit=127.0.0.9
            no MX and no address                          | example.test TXT v=spf1 -all                                                     | no-addresses
            no MX, A lookup fails                         | example.test TXT x; example.test A !servfail                                     | tempfail
            null MX                                       | example.test MX 0 .                                                               | null-mx
            null MX with a non-zero preference            | example.test MX 10 .                                                              | null-mx
            root next to a real MX is ignored             | example.test MX 0 .; example.test MX 10 mx.example.test; mx.example.test A 127.0.0.1 | hosts mx.example.test/10=127.0.0.1
            NXDOMAIN                                      | other.test A 127.0.0.1                                                            | nxdomain
            MX lookup fails                               | example.test MX !servfail                                                         | tempfail
            MX host without address is skipped            | example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; mx1.example.test TXT x; mx2.example.test A 127.0.0.2 | hosts mx2.example.test/20=127.0.0.2 skipped mx1.example.test
            MX host that does not exist is skipped        | example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; mx2.example.test A 127.0.0.2 | hosts mx2.example.test/20=127.0.0.2 skipped mx1.example.test
            MX host lookup fails, the other works         | example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; mx1.example.test A !servfail; mx1.example.test AAAA !servfail; mx2.example.test A 127.0.0.2 | hosts mx2.example.test/20=127.0.0.2 skipped mx1.example.test
            no MX host has an address                     | example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; mx1.example.test TXT x | no-addresses
            no address, one lookup failed                 | example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; mx1.example.test TXT x; mx2.example.test AAAA !servfail | tempfail
            AAAA fails but A answers: host is usable      | example.test MX 10 mx.example.test; mx.example.test AAAA !servfail; mx.example.test A 127.0.0.1 | hosts mx.example.test/10=127.0.0.1
            duplicate exchange keeps the lower preference | example.test MX 30 mx.example.test; example.test MX 10 mx.example.test; mx.example.test A 127.0.0.1 | hosts mx.example.test/10=127.0.0.1
            wildcard and multicast addresses are dropped  | example.test MX 10 mx.example.test; mx.example.test A 0.0.0.0; mx.example.test A 224.0.0.1; mx.example.test AAAA :: | no-addresses
            """)
    void lookup_outcomes(String description, String zone, String expected) {
        assertThat(render(lookup(zone, AddressPreference.IPV6, true))).isEqualTo(expected);
    }

    @Test
    void lookup_skippedHost_carriesTheReason() {
        MxRoute route = lookup("""
                example.test MX 10 mx1.example.test; example.test MX 20 mx2.example.test; example.test MX 30 mx3.example.test;
                mx1.example.test A !servfail; mx1.example.test AAAA !servfail; mx2.example.test TXT x;
                mx3.example.test A 127.0.0.3; mx3.example.test AAAA !servfail""", AddressPreference.IPV6, true);

        MxRoute.Hosts hosts = (MxRoute.Hosts) route;
        assertThat(hosts.skipped()).extracting(MxHost::name, host -> host.addressProblem().orElseThrow())
                .containsExactly(
                        tuple("mx1.example.test",
                                "AAAA lookup failed: SERVFAIL from fake; A lookup failed: SERVFAIL from fake"),
                        tuple("mx2.example.test", "no A or AAAA record"));
        assertThat(hosts.hosts()).singleElement().satisfies(host -> {
            assertThat(host.addressProblem()).contains("AAAA lookup failed: SERVFAIL from fake");
            assertThat(host.addresses()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.3");
        });
    }

    @Test
    void lookup_failures_haveReadableReasons() {
        assertThat(lookup("example.test MX !servfail", AddressPreference.ANY, true))
                .isEqualTo(new MxRoute.TempFail("example.test", "MX lookup failed: SERVFAIL from fake"));
        assertThat(lookup("example.test MX 10 mx.example.test; mx.example.test TXT x", AddressPreference.ANY, false))
                .isEqualTo(new MxRoute.NoAddresses("example.test",
                        "no MX host has a usable address: mx.example.test (MX 10): no A record (IPv6 is disabled)"));
        assertThat(lookup("example.test MX 10 mx.example.test", AddressPreference.ANY, true))
                .isEqualTo(new MxRoute.NoAddresses("example.test",
                        "no MX host has a usable address: mx.example.test (MX 10): host not found (NXDOMAIN)"));
        assertThat(lookup("example.test TXT x", AddressPreference.ANY, true))
                .isEqualTo(new MxRoute.NoAddresses("example.test",
                        "no MX record, and the domain has no usable address: example.test (implicit MX): no A or AAAA record"));
    }

    @Test
    void lookup_ipv6Disabled_asksNoAaaaQuestion() {
        FakeResolver resolver = FakeResolver.parse(TWO_MX);

        new MxLookup(resolver, AddressPreference.ANY, false, new Random(1)).lookup(DomainName.parse("example.test"));

        assertThat(resolver.questions()).containsExactly("MX example.test", "A mx1.example.test", "A mx2.example.test");
    }

    @Test
    void lookup_nullMx_asksNothingMore() {
        FakeResolver resolver = FakeResolver.parse("example.test MX 0 .");

        new MxLookup(resolver, AddressPreference.ANY, true, new Random(1)).lookup(DomainName.parse("example.test"));

        assertThat(resolver.questions()).containsExactly("MX example.test");
    }

    @Test
    void lookup_equalPreferences_areShuffled_byTheInjectedGenerator() {
        String zone = """
                example.test MX 10 a.example.test; example.test MX 10 b.example.test; example.test MX 10 c.example.test;
                example.test MX 5 first.example.test; example.test MX 20 last.example.test;
                a.example.test A 127.0.0.1; b.example.test A 127.0.0.2; c.example.test A 127.0.0.3;
                first.example.test A 127.0.0.4; last.example.test A 127.0.0.5""";
        FakeResolver resolver = FakeResolver.parse(zone);
        Set<List<String>> orders = new HashSet<>();

        for (int seed = 0; seed < 40; seed++) {
            MxRoute.Hosts route = (MxRoute.Hosts) new MxLookup(resolver, AddressPreference.ANY, true, new Random(seed))
                    .lookup(DomainName.parse("example.test"));
            List<String> names = route.hosts().stream().map(MxHost::name).toList();
            assertThat(names.getFirst()).isEqualTo("first.example.test");
            assertThat(names.getLast()).isEqualTo("last.example.test");
            assertThat(names.subList(1, 4)).containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
            orders.add(names);
        }

        assertThat(orders).as("all 6 orders of the three equal hosts appear over 40 seeds").hasSize(6);
        MxRoute once = new MxLookup(resolver, AddressPreference.ANY, true, new Random(7)).lookup(DomainName.parse("example.test"));
        MxRoute again = new MxLookup(resolver, AddressPreference.ANY, true, new Random(7)).lookup(DomainName.parse("example.test"));
        assertThat(once).as("same seed, same order").isEqualTo(again);
    }

    @Test
    void lookup_resolvesAtMostMaxHosts() {
        StringBuilder zone = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            zone.append("example.test MX ").append(i).append(" mx").append(i).append(".example.test;");
            zone.append("mx").append(i).append(".example.test A 127.0.1.").append(i).append(';');
        }
        FakeResolver resolver = FakeResolver.parse(zone.toString());

        MxRoute.Hosts route = (MxRoute.Hosts) new MxLookup(resolver, AddressPreference.ANY, false, new Random(1))
                .lookup(DomainName.parse("example.test"));

        assertThat(route.hosts()).hasSize(MxLookup.MAX_HOSTS);
        assertThat(route.hosts().getLast().name()).isEqualTo("mx9.example.test");
        assertThat(resolver.questions()).hasSize(1 + MxLookup.MAX_HOSTS);
    }
}
