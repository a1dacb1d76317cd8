package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.relay.delivery.DeliveryConfig;
import dev.steward.relay.delivery.SmarthostConfig;
import dev.steward.relay.intake.IntakeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The relay's whole configuration ({@code /etc/steward/relay.toml}), validated at once and
 * immutable afterwards. Every problem in the file is reported, each with file, key, value and rule.
 *
 * <p>Thread safety: immutable.
 */
public record RelayConfig(ServerConfig server, IntakeConfig intake, QueueConfig queue, DeliveryConfig delivery,
        SmarthostConfig smarthost, DnsConfig dns, InetSocketAddress metricsListen, int mxPortOverride,
        int httpsPortOverride, int journalSegmentBytes, DkimConfig dkim) {

    public static final Path DEFAULT_PATH = Path.of("/etc/steward/relay.toml");

    public static RelayConfig load(Path file) throws ConfigException {
        return load(file, false);
    }

    /** {@code allowTestOverrides}: whether {@code [testing]} is accepted ({@code --allow-test-overrides}). */
    public static RelayConfig load(Path file, boolean allowTestOverrides) throws ConfigException {
        return read(ConfigReader.open(file), allowTestOverrides);
    }

    public static RelayConfig parse(String fileName, String text) throws ConfigException {
        return read(ConfigReader.parse(fileName, text), false);
    }

    public static RelayConfig parse(String fileName, String text, boolean allowTestOverrides) throws ConfigException {
        return read(ConfigReader.parse(fileName, text), allowTestOverrides);
    }

    private static RelayConfig read(ConfigReader reader, boolean allowTestOverrides) throws ConfigException {
        ServerConfig server = ServerConfig.read(reader);
        IntakeConfig intake = IntakeConfig.read(reader);
        QueueConfig queue = QueueConfig.read(reader);
        DeliveryConfig delivery = DeliveryConfig.read(reader);
        SmarthostConfig smarthost = SmarthostConfig.read(reader);
        DkimConfig dkim = DkimConfig.read(reader);
        DnsConfig dns = DnsConfig.read(reader);
        InetSocketAddress metrics = ExtraConfig.metrics(reader);
        ExtraConfig.TestOverrides testing = ExtraConfig.testOverrides(reader, allowTestOverrides);
        RelayConfig config = new RelayConfig(server, intake, queue, delivery, smarthost, dns, metrics,
                testing.mxPortOverride(), testing.httpsPortOverride(), testing.journalSegmentBytes(), dkim);
        reader.finish();
        return config;
    }

    /** The documented default file ({@code relay --print-default-config}), golden-tested. */
    public static String defaultConfigText() {
        try (InputStream in = RelayConfig.class.getResourceAsStream("default-relay.toml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException missing) {
            throw new UncheckedIOException(missing);
        }
    }
}
