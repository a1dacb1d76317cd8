package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsConfigTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.53              | 192.0.2.53:53
            192.0.2.53:5353         | 192.0.2.53:5353
            127.0.0.1:1             | 127.0.0.1:1
            2001:db8::53            | [2001:db8:0:0:0:0:0:53]:53
            [2001:db8::53]          | [2001:db8:0:0:0:0:0:53]:53
            [::1]:5353              | [0:0:0:0:0:0:0:1]:5353
            """)
    void parseServer_valid(String text, String formatted) {
        assertThat(DnsConfig.format(DnsConfig.parseServer(text))).isEqualTo(formatted);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            dns.example.net         | must be a numeric IP address (the resolver cannot look up its server by name)
            dns.example.net:53      | must be a numeric IP address
            999.1.1.1               | is not a valid IPv4 address
            192.0.2.53:0            | port "0" must be a number from 1 to 65535
            192.0.2.53:65536        | port "65536" must be a number from 1 to 65535
            192.0.2.53:dns          | port "dns" must be a number from 1 to 65535
            [::1                    | missing ']'
            [::1]53                 | write an IPv6 server as "[2001:db8::53]:53"
            [dns.example.net]:53    | inside [] must be an IPv6 address
            1:2                     | must be a numeric IP address
            ::1:x                   | must be a numeric IP address
            '2001:db8::53::1'       | is not a valid IP address
            ''                      | must be a numeric IP address
            """)
    void parseServer_invalid_saysHowToWriteIt(String text, String message) {
        assertThatThrownBy(() -> DnsConfig.parseServer(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void systemDefault_isResolvConfsDefaults() {
        assertThat(DnsConfig.systemDefault()).isEqualTo(new DnsConfig(List.of(), Duration.ofSeconds(5), 2));
    }

    @Test
    void of_collectsEveryProblem_inOneMessage() {
        assertThatThrownBy(() -> DnsConfig.of(List.of("dns.example.net", "192.0.2.53", "[::1]x"), Duration.ofMillis(10), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid DNS settings: server \"dns.example.net\": must be a numeric IP address (the resolver"
                        + " cannot look up its server by name); server \"[::1]x\": write an IPv6 server as"
                        + " \"[2001:db8::53]:53\"; timeout 10ms must be from 50ms to 60s; attempts 0 must be from 1 to 5");
    }

    @Test
    void of_valid() {
        DnsConfig config = DnsConfig.of(List.of("127.0.0.1:5353", "[::1]:5353"), Duration.ofMillis(200), 1);

        assertThat(config.servers()).extracting(DnsConfig::format).containsExactly("127.0.0.1:5353", "[0:0:0:0:0:0:0:1]:5353");
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.attempts()).isEqualTo(1);
    }

    @Test
    void constructor_refusesWildcardUnresolvedAndPortZero() throws Exception {
        List<InetSocketAddress> servers = List.of(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 53),
                InetSocketAddress.createUnresolved("dns.example.net", 53),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));

        assertThatThrownBy(() -> new DnsConfig(servers, Duration.ofSeconds(61), 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid DNS settings: server 0.0.0.0:53 is a wildcard or multicast address, not a server;"
                        + " server dns.example.net must be a numeric IP address, not a name;"
                        + " server 127.0.0.1:0 has port 0; the port must be 1 to 65535;"
                        + " timeout 61000ms must be from 50ms to 60s; attempts 6 must be from 1 to 5");
    }

    @Test
    void servers_areCopied() {
        List<InetSocketAddress> servers = new java.util.ArrayList<>(List.of(DnsConfig.parseServer("127.0.0.1")));
        DnsConfig config = new DnsConfig(servers, DnsConfig.DEFAULT_TIMEOUT, 1);
        servers.clear();

        assertThat(config.servers()).hasSize(1);
    }
}
