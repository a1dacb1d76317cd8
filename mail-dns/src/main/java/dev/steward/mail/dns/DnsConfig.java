package dev.steward.mail.dns;

import dev.steward.common.config.ConfigReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which DNS servers {@link DnsjavaResolver} asks, and how patiently: the {@code [dns]} section of
 * the relay config. The semantics are those of {@code resolv.conf(5)}: each try waits up to
 * {@code timeout} for one server; a round asks every server in order; there are {@code attempts}
 * rounds. So a question that no server answers gives up after at most
 * {@code timeout × servers × attempts} (a try includes the TCP retry of a truncated answer).
 *
 * <p>An empty server list means the system resolver configuration ({@code /etc/resolv.conf}, read
 * through dnsjava's {@code ResolverConfig}). Servers are numeric addresses: the resolver cannot
 * look up its own server by name.
 *
 * <p>Defaults and bounds are the constants below. The canonical constructor checks them and
 * reports every problem at once in one {@link IllegalArgumentException}; it never clamps a value.
 *
 * <p>Thread safety: immutable.
 *
 * @param servers  the servers to ask, in order; empty = the system's
 * @param timeout  how long one try waits for one server
 * @param attempts how many rounds over all servers
 */
public record DnsConfig(List<InetSocketAddress> servers, Duration timeout, int attempts) {

    /** The DNS port, when a server is written without one. */
    public static final int DEFAULT_PORT = 53;
    /** {@code resolv.conf(5)}'s default {@code timeout:5}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** {@code resolv.conf(5)}'s default {@code attempts:2}. */
    public static final int DEFAULT_ATTEMPTS = 2;
    /** Low enough for loopback tests, high enough to be a timeout rather than a typo. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(50);
    /** {@code resolv.conf(5)} caps {@code timeout} at 30 s; we allow a slow satellite link 60 s. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    public static final int MIN_ATTEMPTS = 1;
    /** {@code resolv.conf(5)} caps {@code attempts} at 5. */
    public static final int MAX_ATTEMPTS = 5;

    private static final Pattern IPV4_TEXT = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public DnsConfig {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(timeout, "timeout");
        List<String> problems = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            Objects.requireNonNull(server, "servers contains null");
            if (server.isUnresolved()) {
                problems.add("server " + server.getHostString() + " must be a numeric IP address, not a name");
            } else if (server.getAddress().isAnyLocalAddress() || server.getAddress().isMulticastAddress()) {
                problems.add("server " + format(server) + " is a wildcard or multicast address, not a server");
            } else if (server.getPort() == 0) {
                problems.add("server " + format(server) + " has port 0; the port must be 1 to 65535");
            }
        }
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            problems.add("timeout " + timeout.toMillis() + "ms must be from " + MIN_TIMEOUT.toMillis()
                    + "ms to " + MAX_TIMEOUT.toSeconds() + "s");
        }
        if (attempts < MIN_ATTEMPTS || attempts > MAX_ATTEMPTS) {
            problems.add("attempts " + attempts + " must be from " + MIN_ATTEMPTS + " to " + MAX_ATTEMPTS);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid DNS settings: " + String.join("; ", problems));
        }
        servers = List.copyOf(servers);
    }

    /**
     * Reads the {@code [dns]} section of a Steward config file (the relay's and the control plane's
     * use the same one): {@code servers} to ask (empty: the system's resolv.conf), {@code timeout},
     * {@code attempts}. Problems are recorded on the reader, which reports them all together.
     */
    public static DnsConfig read(ConfigReader reader) {
        ConfigReader.Section section = reader.section("dns");
        List<String> servers = section.stringList("servers", List.of());
        Duration timeout = section.duration("timeout", DEFAULT_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        int attempts = section.integer("attempts", DEFAULT_ATTEMPTS, MIN_ATTEMPTS, MAX_ATTEMPTS);
        section.finish();
        for (String server : servers) {
            try {
                parseServer(server);
            } catch (IllegalArgumentException bad) {
                section.problem("servers", "\"" + server + "\"", bad.getMessage());
                return systemDefault();
            }
        }
        return servers.isEmpty() ? systemDefault() : of(servers, timeout, attempts);
    }

    /** The system resolver's servers, the default timeout and attempts. */
    public static DnsConfig systemDefault() {
        return new DnsConfig(List.of(), DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS);
    }

    /**
     * Parses the server list as written in config ({@code host[:port]}, see {@link #parseServer})
     * and checks everything; every problem is in the one exception's message.
     */
    public static DnsConfig of(List<String> servers, Duration timeout, int attempts) {
        Objects.requireNonNull(servers, "servers");
        List<InetSocketAddress> parsed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String server : servers) {
            try {
                parsed.add(parseServer(server));
            } catch (IllegalArgumentException bad) {
                problems.add("server \"" + server + "\": " + bad.getMessage());
            }
        }
        try {
            DnsConfig config = new DnsConfig(parsed, timeout, attempts);
            if (problems.isEmpty()) {
                return config;
            }
        } catch (IllegalArgumentException bad) {
            problems.add(bad.getMessage().substring("invalid DNS settings: ".length()));
        }
        throw new IllegalArgumentException("invalid DNS settings: " + String.join("; ", problems));
    }

    /**
     * Parses one server: {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code 2001:db8::53},
     * {@code [2001:db8::53]} or {@code [2001:db8::53]:5353}. The port defaults to 53.
     *
     * @throws IllegalArgumentException saying how to write the value
     */
    public static InetSocketAddress parseServer(String text) {
        Objects.requireNonNull(text, "text");
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']': write an IPv6 server as \"[2001:db8::53]:53\"");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("write an IPv6 server as \"[2001:db8::53]:53\"");
                }
                port = rest.substring(1);
            }
            if (!IPV6_TEXT.matcher(host).matches()) {
                throw new IllegalArgumentException("\"" + host + "\" inside [] must be an IPv6 address");
            }
        } else if (text.indexOf(':') != text.lastIndexOf(':')) {
            host = text; // a bare IPv6 address; it cannot carry a port
            if (!IPV6_TEXT.matcher(host).matches()) {
                throw new IllegalArgumentException("must be a numeric IP address, e.g. \"192.0.2.53:53\"");
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (!IPV4_TEXT.matcher(host).matches()) {
                throw new IllegalArgumentException(
                        "must be a numeric IP address (the resolver cannot look up its server by name)");
            }
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException notNumber) {
                portNumber = -1;
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw new IllegalArgumentException("port \"" + port + "\" must be a number from 1 to 65535");
            }
        }
        return new InetSocketAddress(numericAddress(host), portNumber);
    }

    /** A literal address only: never a DNS lookup, even for text that merely looks numeric. */
    private static InetAddress numericAddress(String host) {
        try {
            if (IPV4_TEXT.matcher(host).matches()) {
                String[] parts = host.split("\\.");
                byte[] octets = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv4 address");
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            // Text with a colon is parsed as an IPv6 literal and never looked up.
            return InetAddress.getByName(host);
        } catch (UnknownHostException notAddress) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid IP address");
        }
    }

    /** {@code 192.0.2.53:53} or {@code [2001:db8::53]:53}, for messages and logs. */
    public static String format(InetSocketAddress server) {
        String host = server.getAddress() == null ? server.getHostString() : server.getAddress().getHostAddress();
        int percent = host.indexOf('%');
        if (percent >= 0) {
            host = host.substring(0, percent);
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();
    }
}
