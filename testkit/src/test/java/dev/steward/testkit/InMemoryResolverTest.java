package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InMemoryResolverTest {

    private static final DnsZone ZONE = DnsZone.builder()
            .mx("example.test", 10, "mx.example.test")
            .a("mx.example.test", "127.0.0.1")
            .aaaa("mx.example.test", "::1")
            .txt("example.test", "v=spf1 ", "-all")
            .cname("www.example.test", "mx.example.test")
            .a("deep.sub.example.test", "127.0.0.2")
            .nullMx("nomail.test")
            .servfail("broken.test")
            .drop("slow.test", "A")
            .nxdomain("gone.test")
            .a("gone.test", "127.0.0.3")
            .truncate("mx.example.test", "A")
            .mx("bad.test", 10, "under_score.bad.test")
            .build();

    private final InMemoryResolver resolver = new InMemoryResolver(ZONE);

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MX   | example.test          | Records[records=[10 mx.example.test]]
            MX   | nomail.test           | Records[records=[0 .]]
            A    | mx.example.test       | Records[records=[/127.0.0.1]]
            AAAA | mx.example.test       | Records[records=[/0:0:0:0:0:0:0:1]]
            A    | www.example.test      | Records[records=[/127.0.0.1]]
            TXT  | example.test          | Records[records=[v=spf1 -all]]
            MX   | missing.example.test  | NxDomain[name=missing.example.test]
            MX   | sub.example.test      | NoData[name=sub.example.test]
            A    | example.test          | NoData[name=example.test]
            MX   | broken.test           | TempFail[name=broken.test, reason=SERVFAIL (scripted)]
            A    | slow.test             | TempFail[name=slow.test, reason=timed out (scripted)]
            A    | gone.test             | NxDomain[name=gone.test]
            MX   | example.com           | NxDomain[name=example.com]
            """)
    void answers(String type, String name, String expected) {
        DnsAnswer<?> answer = switch (type) {
            case "MX" -> resolver.mx(name);
            case "A" -> resolver.ipv4(name);
            case "AAAA" -> resolver.ipv6(name);
            case "TXT" -> resolver.txt(name);
            default -> throw new IllegalArgumentException(type);
        };

        assertThat(answer).hasToString(expected);
    }

    @Test
    void malformedExchange_isTempFail_likeTheRealResolver() {
        assertThat(resolver.mx("bad.test")).isInstanceOfSatisfying(DnsAnswer.TempFail.class,
                failed -> assertThat(failed.reason()).startsWith("malformed MX record: MX exchange is not a host name"));
    }

    @Test
    void ptrAndCname_answerLikeTheRealResolver() throws Exception {
        InMemoryResolver reverse = new InMemoryResolver(DnsZone.builder()
                .ptr("127.0.0.25", "mail.example.test")
                .cname("www.example.test", "host.example.test")
                .a("host.example.test", "127.0.0.25")
                .build());

        assertThat(reverse.ptr(java.net.InetAddress.getByName("127.0.0.25")))
                .isEqualTo(new DnsAnswer.Records<>(java.util.List.of("mail.example.test")));
        assertThat(reverse.ptr(java.net.InetAddress.getByName("127.0.0.26"))).isInstanceOf(DnsAnswer.NxDomain.class);
        assertThat(reverse.cname("www.example.test")).isEqualTo(new DnsAnswer.Records<>(java.util.List.of("host.example.test")));
        assertThat(reverse.cname("host.example.test")).isInstanceOf(DnsAnswer.NoData.class);
    }

    @Test
    void questions_areLogged_andTheZoneCanBeReplaced() throws Exception {
        resolver.mx("broken.test");
        resolver.replaceZone(DnsZone.builder().mx("broken.test", 5, "mx.broken.test").build());

        assertThat(resolver.mx("broken.test")).isEqualTo(new DnsAnswer.Records<>(List.of(new MxRecord(5, "mx.broken.test"))));
        assertThat(resolver.questions()).containsExactly("MX broken.test", "MX broken.test");
        assertThat(InetAddress.getByName("127.0.0.1")).isNotNull();
    }
}
