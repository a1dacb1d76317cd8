package dev.steward.dnscheck.spf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.InMemoryResolver;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the DNS check relies on beyond the conformance suite: reasons, counts, the record, and resolver edge cases. */
class SpfEvaluatorTest {

    private static final InetAddress V4 = IpAddresses.byAddress(IpAddresses.parseIpv4("192.0.2.10"));
    private static final InetAddress V6 = IpAddresses.byAddress(IpAddresses.parseIpv6("2001:db8::10"));

    private static SpfResult check(DnsZone zone, InetAddress ip) {
        return check(new InMemoryResolver(zone), ip);
    }

    private static SpfResult check(Resolver resolver, InetAddress ip) {
        return new SpfEvaluator(resolver).checkHost(ip, "app.example.test", "postmaster@app.example.test", "app.example.test");
    }

    @Test
    void reasonsNameTheMatchingTerm() {
        DnsZone zone = DnsZone.builder()
                .txt("app.example.test", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all")
                .txt("_spf.example.net", "v=spf1 ip6:2001:db8::/32 -all")
                .build();
        SpfResult v4 = check(zone, V4);
        assertThat(v4.code()).isEqualTo(SpfResult.Code.PASS);
        assertThat(v4.reason()).isEqualTo("matched ip4:192.0.2.0/24");
        assertThat(v4.dnsLookups()).isZero();
        assertThat(v4.record()).isEqualTo("v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all");

        SpfResult v6 = check(zone, V6);
        assertThat(v6.code()).isEqualTo(SpfResult.Code.PASS);
        assertThat(v6.reason()).isEqualTo("matched include:_spf.example.net (matched ip6:2001:db8::/32 in the record of _spf.example.net)");
        assertThat(v6.dnsLookups()).isEqualTo(1);

        SpfResult other = check(zone, IpAddresses.byAddress(IpAddresses.parseIpv4("198.51.100.1")));
        assertThat(other.code()).isEqualTo(SpfResult.Code.SOFTFAIL);
        assertThat(other.reason()).isEqualTo("matched ~all");
        assertThat(other.explanation()).isNull();
    }

    @Test
    void defaultNeutralAndNone() {
        assertThat(check(DnsZone.builder().txt("app.example.test", "v=spf1 a").a("app.example.test", "192.0.2.99").build(), V4))
                .extracting(SpfResult::code, SpfResult::reason)
                .containsExactly(SpfResult.Code.NEUTRAL, "no term matched; default neutral");
        SpfResult none = check(DnsZone.builder().txt("app.example.test", "google-site-verification=x").build(), V4);
        assertThat(none.code()).isEqualTo(SpfResult.Code.NONE);
        assertThat(none.reason()).isEqualTo("app.example.test has no v=spf1 record");
        assertThat(none.record()).isNull();
    }

    @Test
    void tooManyLookupsSayWhichTermsCount() {
        DnsZone zone = DnsZone.builder()
                .txt("app.example.test", "v=spf1 a a a a a a a a a a a -all")
                .a("app.example.test", "198.51.100.1")
                .build();
        SpfResult result = check(zone, V4);
        assertThat(result.code()).isEqualTo(SpfResult.Code.PERMERROR);
        assertThat(result.reason()).isEqualTo("more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect)");
        assertThat(result.dnsLookups()).isEqualTo(11);
    }

    @Test
    void servfailIsTemperrorAndIpv4MappedIsIpv4() {
        DnsZone zone = DnsZone.builder()
                .txt("app.example.test", "v=spf1 ip6:::ffff:192.0.2.10 a:broken.example.test ip4:192.0.2.10 -all")
                .servfail("broken.example.test")
                .build();
        SpfResult result = check(zone, V4);
        assertThat(result.code()).isEqualTo(SpfResult.Code.TEMPERROR);
        assertThat(result.reason()).startsWith("the A lookup of broken.example.test failed: SERVFAIL");
        InetAddress mapped = IpAddresses.byAddress(IpAddresses.parseIpv6("::ffff:192.0.2.10"));
        DnsZone plain = DnsZone.builder().txt("app.example.test", "v=spf1 ip6:::ffff:192.0.2.10 ip4:192.0.2.10 -all").build();
        assertThat(check(plain, mapped).reason()).isEqualTo("matched ip4:192.0.2.10");
    }

    @Test
    void explanationIsExpandedForFail() {
        DnsZone zone = DnsZone.builder()
                .txt("app.example.test", "v=spf1 -all exp=why.%{d}")
                .txt("why.app.example.test", "%{i} may not send for %{d}")
                .build();
        SpfResult result = check(zone, V4);
        assertThat(result.code()).isEqualTo(SpfResult.Code.FAIL);
        assertThat(result.explanation()).isEqualTo("192.0.2.10 may not send for app.example.test");
    }

    /** The production resolver refuses names with characters other than letters, digits, '-' and '_'. */
    @Test
    void aNameTheResolverRefusesDoesNotExist() {
        InMemoryResolver zone = new InMemoryResolver(DnsZone.builder()
                .txt("app.example.test", "v=spf1 a:foo:bar.example.test ip4:192.0.2.10 -all").build());
        Resolver strict = new Resolver() {
            private String checked(String name) {
                if (!name.matches("[A-Za-z0-9._-]+")) {
                    throw new IllegalArgumentException("not a DNS name: " + name);
                }
                return name;
            }

            @Override
            public DnsAnswer<MxRecord> mx(String name) {
                return zone.mx(checked(name));
            }

            @Override
            public DnsAnswer<InetAddress> ipv4(String name) {
                return zone.ipv4(checked(name));
            }

            @Override
            public DnsAnswer<InetAddress> ipv6(String name) {
                return zone.ipv6(checked(name));
            }

            @Override
            public DnsAnswer<String> txt(String name) {
                return zone.txt(checked(name));
            }

            @Override
            public DnsAnswer<String> ptr(InetAddress address) {
                return zone.ptr(address);
            }

            @Override
            public DnsAnswer<String> cname(String name) {
                return zone.cname(checked(name));
            }
        };
        SpfResult result = check(strict, V4);
        assertThat(result.code()).isEqualTo(SpfResult.Code.PASS);
        assertThat(result.voidLookups()).isEqualTo(1);
        assertThat(zone.questions()).containsExactly("TXT app.example.test");
    }
}
