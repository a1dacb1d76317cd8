package dev.steward.relay.app;

import dev.steward.common.config.ConfigReader;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.relay.intake.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small sections of {@code relay.toml}: {@code [dns]}, {@code [metrics]} and the test-only
 * {@code [testing]}.
 */
final class ExtraConfig {

    private ExtraConfig() {
    }

    /** {@code [metrics] listen}: a loopback host:port for {@code GET /metrics}, or null (off, the default). */
    static InetSocketAddress metrics(ConfigReader reader) {
        ConfigReader.Section section = reader.section("metrics");
        String listen = section.string("listen", "");
        section.finish();
        if (listen.isEmpty()) {
            return null;
        }
        try {
            InetSocketAddress address = HostPort.parse(listen);
            if (!address.getAddress().isLoopbackAddress()) {
                section.problem("listen", "\"" + listen + "\"", "must be a loopback address (127.0.0.1 or [::1]): metrics are not for the network");
                return null;
            }
            return address;
        } catch (IllegalArgumentException bad) {
            section.problem("listen", "\"" + listen + "\"", bad.getMessage());
            return null;
        }
    }

    /**
     * The test-only settings of {@code [testing]}; 0 means the standard port, or the standard
     * journal segment size.
     */
    record TestOverrides(int mxPortOverride, int httpsPortOverride, int journalSegmentBytes) {
    }

    /**
     * {@code [testing]}: {@code mx_port_override}, the port for every MX host instead of 25;
     * {@code https_port_override}, the port for every MTA-STS policy host instead of 443 (tests on
     * loopback only); {@code journal_segment_bytes}, a smaller intake journal segment than the
     * standard 16 MiB, so that crash tests see segments filled, checkpointed and recycled many
     * times over. Refused unless the relay runs with {@code --allow-test-overrides}.
     */
    static TestOverrides testOverrides(ConfigReader reader, boolean allowed) {
        boolean present = reader.hasSection("testing");
        ConfigReader.Section section = reader.section("testing"); // known, even when absent
        if (!present) {
            section.finish();
            return new TestOverrides(0, 0, 0);
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("mx_port_override", section.integer("mx_port_override", 0, 0, 65_535));
        values.put("https_port_override", section.integer("https_port_override", 0, 0, 65_535));
        values.put("journal_segment_bytes", section.integer("journal_segment_bytes", 0, 4096, 16 << 20));
        section.finish();
        if (!allowed) {
            String refusal = "[testing] is for tests only; the relay refuses it unless started with --allow-test-overrides";
            List<String> given = values.keySet().stream().filter(section::has).toList();
            for (String key : given.isEmpty() ? List.of("mx_port_override") : given) {
                section.problem(key, Integer.toString(values.get(key)), refusal);
            }
            return new TestOverrides(0, 0, 0);
        }
        return new TestOverrides(values.get("mx_port_override"), values.get("https_port_override"),
                values.get("journal_segment_bytes"));
    }
}
