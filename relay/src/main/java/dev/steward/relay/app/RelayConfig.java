package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import dev.steward.relay.intake.IntakeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The relay's whole configuration ({@code /etc/steward/relay.toml}), validated at once and
 * immutable afterwards. Every problem in the file is reported, each with file, key, value and rule.
 *
 * <p>Thread safety: immutable.
 */
public record RelayConfig(ServerConfig server, IntakeConfig intake, QueueConfig queue) {

    public static final Path DEFAULT_PATH = Path.of("/etc/steward/relay.toml");

    public static RelayConfig load(Path file) throws ConfigException {
        return read(ConfigReader.open(file));
    }

    public static RelayConfig parse(String fileName, String text) throws ConfigException {
        return read(ConfigReader.parse(fileName, text));
    }

    private static RelayConfig read(ConfigReader reader) throws ConfigException {
        RelayConfig config = new RelayConfig(ServerConfig.read(reader), IntakeConfig.read(reader), QueueConfig.read(reader));
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
