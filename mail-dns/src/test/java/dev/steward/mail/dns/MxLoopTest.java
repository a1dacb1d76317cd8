package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5321 §5.1 mail-loop support: {@link LocalAddresses} and {@link MxRoute.Hosts#truncateAtSelf}. */
class MxLoopTest {

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static MxHost host(String name, int preference, String... addresses) {
        return new MxHost(name, preference, java.util.Arrays.stream(addresses).map(MxLoopTest::ip).toList(), false,
                Optional.empty());
    }

    @ParameterizedTest(name = "listen {0}: {1} port {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:25          | 127.0.0.1 | 25   | true
            127.0.0.1:25          | 127.0.0.1 | 2525 | false
            127.0.0.1:25          | 127.0.0.2 | 25   | false
            127.0.0.1:25          | ::1       | 25   | false
            [::1]:25              | ::1       | 25   | true
            0.0.0.0:25            | 127.0.0.1 | 25   | true
            0.0.0.0:25            | 127.0.0.9 | 25   | true
            0.0.0.0:25            | ::1       | 25   | true
            [::]:25               | 127.0.0.1 | 25   | true
            0.0.0.0:25            | 192.0.2.1 | 25   | false
            0.0.0.0:25            | 127.0.0.1 | 26   | false
            """)
    void localAddresses_contains(String listen, String address, int port, boolean expected) {
        LocalAddresses local = LocalAddresses.of(List.of(DnsConfig.parseServer(listen)));

        assertThat(local.contains(ip(address), port)).isEqualTo(expected);
        assertThat(local.atPort(port).test(ip(address))).isEqualTo(expected);
    }

    @Test
    void localAddresses_wildcard_matchesAnAddressOfThisMachine() throws Exception {
        // Whatever address the loopback interface carries is "this machine".
        InetAddress own = java.net.NetworkInterface.networkInterfaces()
                .flatMap(java.net.NetworkInterface::inetAddresses).findFirst().orElse(InetAddress.getLoopbackAddress());
        LocalAddresses local = LocalAddresses.of(List.of(new InetSocketAddress(ip("0.0.0.0"), 25)));

        assertThat(local.contains(own, 25)).isTrue();
    }

    private static final MxRoute.Hosts ROUTE = new MxRoute.Hosts("example.test", List.of(
            host("mx1.example.test", 10, "127.0.0.1"),
            host("mx2.example.test", 20, "127.0.0.2", "::2"),
            host("mx3.example.test", 20, "127.0.0.3"),
            host("mx4.example.test", 30, "127.0.0.4")), List.of());

    @ParameterizedTest(name = "self = {0}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.1   | mx1.example.test mx2.example.test mx3.example.test mx4.example.test
            127.0.0.4   | mx1.example.test mx2.example.test mx3.example.test
            ::2         | mx1.example.test
            127.0.0.3   | mx1.example.test
            127.0.0.1   | (loop)
            """)
    void truncateAtSelf_dropsSelfAndEveryLessPreferredHost(String self, String expected) {
        Predicate<InetAddress> isSelf = ip(self)::equals;

        Optional<MxRoute.Hosts> kept = ROUTE.truncateAtSelf(isSelf);

        assertThat(kept.map(hosts -> String.join(" ", hosts.hosts().stream().map(MxHost::name).toList())).orElse("(loop)"))
                .isEqualTo(expected);
    }

    @Test
    void truncateAtSelf_implicitMxThatIsUs_loops() {
        MxRoute.Hosts implicit = new MxRoute.Hosts("example.test",
                List.of(new MxHost("example.test", 0, List.of(ip("127.0.0.1")), true, Optional.empty())), List.of());
        LocalAddresses local = LocalAddresses.of(List.of(DnsConfig.parseServer("127.0.0.1:25")));

        assertThat(implicit.truncateAtSelf(local.atPort(25))).isEmpty();
        assertThat(implicit.truncateAtSelf(local.atPort(2525))).contains(implicit);
    }
}
