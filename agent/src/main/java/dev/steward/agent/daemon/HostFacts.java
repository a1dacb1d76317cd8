package dev.steward.agent.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Facts about this machine for the heartbeat: the Steward version, the OS ({@code PRETTY_NAME} of
 * {@code /etc/os-release}), the running kernel ({@code os.version}, which is {@code uname -r}) and
 * the uptime ({@code /proc/uptime}). Every read is tolerant: a fact that cannot be read is reported
 * as {@code unknown} (or 0), never as a failed heartbeat.
 *
 * <p>Thread safety: immutable.
 *
 * @param root where {@code etc/os-release} and {@code proc/uptime} are read ({@code /}; tests use a directory)
 */
public record HostFacts(Path root) {

    /** The project version this agent was built as. */
    public static final String STEWARD_VERSION = readVersion();

    /** The facts of this machine. */
    public static HostFacts system() {
        return new HostFacts(Path.of("/"));
    }

    /** {@code PRETTY_NAME} of {@code etc/os-release}, else {@code unknown}. */
    public String os() {
        try {
            for (String line : Files.readAllLines(root.resolve("etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    String value = line.substring("PRETTY_NAME=".length()).strip();
                    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                            || value.startsWith("'") && value.endsWith("'"))) {
                        value = value.substring(1, value.length() - 1);
                    }
                    return value.isBlank() ? "unknown" : value;
                }
            }
        } catch (IOException unreadable) {
            return "unknown";
        }
        return "unknown";
    }

    /** The running kernel's release ({@code uname -r}). */
    public String kernel() {
        return System.getProperty("os.version", "unknown");
    }

    /** Seconds since boot (the first field of {@code proc/uptime}), else 0. */
    public long uptimeSeconds() {
        try {
            String first = Files.readString(root.resolve("proc/uptime")).strip().split("\\s+")[0];
            return (long) Double.parseDouble(first);
        } catch (IOException | NumberFormatException unreadable) {
            return 0;
        }
    }

    private static String readVersion() {
        try (InputStream in = HostFacts.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.contains("${") ? "unknown" : version;
        } catch (IOException unreadable) {
            return "unknown";
        }
    }
}
