package dev.steward.relay.delivery;

import dev.steward.common.config.ConfigReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * {@code [delivery]}: how the relay sends mail on. Defaults follow Postfix and RFC 5321
 * §4.5.3.2 (timeouts).
 *
 * <p>Thread safety: immutable.
 *
 * @param enabled               false: accepted mail stays queued and nothing is delivered (maintenance, benchmarks)
 * @param maxConcurrency        delivery attempts at once
 * @param maxPerDestination     connections to one destination at once
 * @param messagesPerConnection messages sent over one connection before it is closed
 * @param addressPreference     {@code any}, {@code ipv6} or {@code ipv4}: which family to try first
 * @param ipv6                  false: never send over IPv6
 * @param sourceIpv4            the local address to bind for IPv4, or null (the system chooses)
 * @param sourceIpv6            the local address to bind for IPv6, or null
 * @param opportunisticTls      STARTTLS whenever offered (MAIL-3); false only for tests of plaintext
 * @param connectTimeout        TCP connect
 * @param greetingTimeout       the 220 greeting (RFC 5321 §4.5.3.2.1: 5 minutes)
 * @param commandTimeout        EHLO, MAIL, RCPT, RSET replies (§4.5.3.2.2–3: 5 minutes)
 * @param dataInitTimeout       the 354 after DATA (§4.5.3.2.4: 2 minutes)
 * @param dataBlockTimeout      each write of the content (§4.5.3.2.5: 3 minutes)
 * @param dataDoneTimeout       the reply after the final dot (§4.5.3.2.6: 10 minutes)
 * @param starttlsTimeout       the TLS handshake; a stall past it falls back to plaintext
 * @param idleTimeout           how long an idle connection is kept for the next message
 * @param mtaSts                whether recipient domains' MTA-STS policies (RFC 8461) are fetched and applied
 * @param mtaStsTimeout         the whole HTTPS fetch of one policy (RFC 8461 §3.3 suggests at most a minute)
 */
public record DeliveryConfig(boolean enabled, int maxConcurrency, int maxPerDestination, int messagesPerConnection,
        String addressPreference, boolean ipv6, InetAddress sourceIpv4, InetAddress sourceIpv6,
        boolean opportunisticTls, Duration connectTimeout, Duration greetingTimeout, Duration commandTimeout,
        Duration dataInitTimeout, Duration dataBlockTimeout, Duration dataDoneTimeout, Duration starttlsTimeout,
        Duration idleTimeout, boolean mtaSts, Duration mtaStsTimeout) {

    public static DeliveryConfig read(ConfigReader reader) {
        ConfigReader.Section section = reader.section("delivery");
        boolean enabled = section.bool("enabled", true);
        int maxConcurrency = section.integer("max_concurrency", 100, 1, 10_000);
        int maxPerDestination = section.integer("max_per_destination", 20, 1, 1_000);
        int perConnection = section.integer("messages_per_connection", 100, 1, 100_000);
        String preference = section.choice("address_preference", "any", List.of("any", "ipv6", "ipv4"));
        boolean ipv6 = section.bool("ipv6", true);
        InetAddress source4 = address(section, "source_ipv4", false);
        InetAddress source6 = address(section, "source_ipv6", true);
        String tls = section.choice("tls", "opportunistic", List.of("opportunistic", "none"));
        Duration minimum = Duration.ofMillis(100);
        Duration hour = Duration.ofHours(1);
        DeliveryConfig config = new DeliveryConfig(enabled, maxConcurrency, maxPerDestination, perConnection, preference,
                ipv6, source4, source6, tls.equals("opportunistic"),
                section.duration("connect_timeout", Duration.ofSeconds(30), minimum, hour),
                section.duration("greeting_timeout", Duration.ofMinutes(5), minimum, hour),
                section.duration("command_timeout", Duration.ofMinutes(5), minimum, hour),
                section.duration("data_init_timeout", Duration.ofMinutes(2), minimum, hour),
                section.duration("data_block_timeout", Duration.ofMinutes(3), minimum, hour),
                section.duration("data_done_timeout", Duration.ofMinutes(10), minimum, hour),
                section.duration("starttls_timeout", Duration.ofSeconds(30), minimum, hour),
                section.duration("idle_timeout", Duration.ofSeconds(10), Duration.ZERO, hour),
                section.bool("mta_sts", true),
                section.duration("mta_sts_timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(1)));
        if (maxPerDestination > maxConcurrency) {
            section.problem("max_per_destination", Integer.toString(maxPerDestination),
                    "must be <= max_concurrency (" + maxConcurrency + ")");
        }
        section.finish();
        return config;
    }

    /** A literal address of the given family, or null when the key is absent or empty. */
    private static InetAddress address(ConfigReader.Section section, String key, boolean v6) {
        String text = section.string(key, "");
        if (text.isEmpty()) {
            return null;
        }
        String rule = v6 ? "must be an IPv6 address such as \"2001:db8::25\", or \"\""
                : "must be an IPv4 address such as \"192.0.2.25\", or \"\"";
        boolean literal = v6 ? text.matches("[0-9A-Fa-f:.]+") && text.contains(":") : text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            section.problem(key, "\"" + text + "\"", rule);
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text); // a literal: no DNS lookup
            if ((address instanceof java.net.Inet6Address) != v6) {
                section.problem(key, "\"" + text + "\"", rule);
                return null;
            }
            return address;
        } catch (UnknownHostException e) {
            section.problem(key, "\"" + text + "\"", rule);
            return null;
        }
    }
}
