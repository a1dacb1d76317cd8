package dev.steward.relay.app;

import dev.steward.common.config.ConfigReader;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.relay.intake.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

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

    /** The test-only ports of {@code [testing]}; 0 means the standard port. */
    record TestPorts(int mxPortOverride, int httpsPortOverride) {
    }

    /**
     * {@code [testing]}: {@code mx_port_override}, the port for every MX host instead of 25, and
     * {@code https_port_override}, the port for every MTA-STS policy host instead of 443 (tests on
     * loopback only). Refused unless the relay runs with {@code --allow-test-overrides}.
     */
    static TestPorts testPorts(ConfigReader reader, boolean allowed) {
        boolean present = reader.hasSection("testing");
        ConfigReader.Section section = reader.section("testing"); // known, even when absent
        if (!present) {
            section.finish();
            return new TestPorts(0, 0);
        }
        boolean httpsGiven = section.has("https_port_override");
        int mxPort = section.integer("mx_port_override", 0, 0, 65_535);
        int httpsPort = section.integer("https_port_override", 0, 0, 65_535);
        section.finish();
        if (!allowed) {
            String refusal = "[testing] is for tests only; the relay refuses it unless started with --allow-test-overrides";
            if (httpsGiven) {
                section.problem("https_port_override", Integer.toString(httpsPort), refusal);
            }
            if (!httpsGiven || section.has("mx_port_override")) {
                section.problem("mx_port_override", Integer.toString(mxPort), refusal);
            }
            return new TestPorts(0, 0);
        }
        return new TestPorts(mxPort, httpsPort);
    }
}
