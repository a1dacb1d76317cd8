package dev.steward.agent.daemon;

import dev.steward.agent.app.AppRecipes;
import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The agent daemon's configuration, {@value #DEFAULT_PATH} by default: one TOML file read with the
 * relay's config reader (every problem reported at once with file, key, value and rule; unknown
 * sections and keys are errors; durations carry units).
 *
 * <pre>{@code
 * [control]
 * url = "https://control.hosting.example"      # http:// only for a loopback host (tests); absent: the relay runs alone
 * heartbeat_interval = "30s"                   # default
 * poll_wait = "25s"                            # default; the long poll's wait, 1s..30s
 * rotate_interval = "24h"                      # default; how often the credential is rotated
 * request_timeout = "20s"                      # default; one request (a long poll adds its wait)
 *
 * [agent]
 * state_directory = "/var/lib/steward/agent"   # default: credential, result spool, OS-update state
 * relay_config = "/etc/steward/relay.toml"     # default
 * recipes_directory = "/etc/steward/apps"      # default
 * dkim_directory = "/etc/steward/dkim"         # default: where enrolment keeps a new DKIM key
 * run_relay = true                             # default; false: the relay runs in a unit of its own
 * os_updates = "apt"                           # default; "off": OS_UPDATE jobs fail at once (make run's agent)
 * }</pre>
 *
 * <p>Thread safety: immutable.
 *
 * @param controlUrl the control plane's base address (no trailing slash); null when not configured yet
 *     (a fresh install): the daemon runs the relay alone and enrolment refuses
 * @param heartbeatInterval the pause between heartbeats
 * @param pollWait how long one long poll for jobs waits
 * @param rotateInterval the credential's age at which it is rotated
 * @param requestTimeout the time one request may take (plus the wait of a long poll)
 * @param stateDirectory the agent's own state
 * @param relayConfig the relay's configuration, run in the same process
 * @param recipesDirectory the application recipes
 * @param dkimDirectory where enrolment writes a DKIM key when the relay has none configured
 * @param runRelay whether {@code steward agent} runs the relay in its own process; false when the
 *     relay runs as a service of its own (the Debian package: {@code steward-relay.service} as the
 *     unprivileged user, the agent as root) and the heartbeat reads it through its admin socket
 * @param osUpdates whether OS_UPDATE jobs run apt; false on a machine whose packages the agent
 *     must not touch ({@code make run}'s development agent on a developer's machine): such a job
 *     is reported failed without running anything
 */
public record AgentConfig(URI controlUrl, Duration heartbeatInterval, Duration pollWait, Duration rotateInterval,
                          Duration requestTimeout, Path stateDirectory, Path relayConfig, Path recipesDirectory,
                          Path dkimDirectory, boolean runRelay, boolean osUpdates) {

    public static final Path DEFAULT_PATH = Path.of("/etc/steward/agent.toml");
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_WAIT = Duration.ofSeconds(25);
    public static final Duration DEFAULT_ROTATE = Duration.ofHours(24);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** Reads and validates {@code file}. */
    public static AgentConfig load(Path file) throws ConfigException {
        return read(ConfigReader.open(file));
    }

    /** Parses config text; {@code fileName} only labels the messages. */
    public static AgentConfig parse(String fileName, String text) throws ConfigException {
        return read(ConfigReader.parse(fileName, text));
    }

    private static AgentConfig read(ConfigReader reader) throws ConfigException {
        ConfigReader.Section control = reader.section("control");
        String urlText = control.string("url", null);
        URI url = null;
        if (urlText != null) {
            url = controlUrl(control, urlText);
        }
        Duration heartbeat = control.duration("heartbeat_interval", DEFAULT_HEARTBEAT, Duration.ofMillis(100),
                Duration.ofHours(1));
        Duration pollWait = control.duration("poll_wait", DEFAULT_POLL_WAIT, Duration.ofSeconds(1), Duration.ofSeconds(30));
        Duration rotate = control.duration("rotate_interval", DEFAULT_ROTATE, Duration.ofMinutes(1), Duration.ofDays(90));
        Duration requestTimeout = control.duration("request_timeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(1),
                Duration.ofMinutes(5));
        control.finish();

        ConfigReader.Section agent = reader.section("agent");
        Path state = absolute(agent, "state_directory", "/var/lib/steward/agent");
        Path relay = absolute(agent, "relay_config", "/etc/steward/relay.toml");
        Path recipes = absolute(agent, "recipes_directory", AppRecipes.DEFAULT_DIRECTORY);
        Path dkim = absolute(agent, "dkim_directory", "/etc/steward/dkim");
        boolean runRelay = agent.bool("run_relay", true);
        boolean osUpdates = agent.choice("os_updates", "apt", List.of("apt", "off")).equals("apt");
        agent.finish();
        reader.finish();
        return new AgentConfig(url, heartbeat, pollWait, rotate, requestTimeout, state, relay, recipes, dkim, runRelay, osUpdates);
    }

    private static URI controlUrl(ConfigReader.Section control, String text) {
        String shown = "\"" + text + "\"";
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException bad) {
            control.problem("url", shown, "is not a URL: " + bad.getMessage());
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            control.problem("url", shown, "must be https://HOST[:PORT][/PATH], e.g. \"https://control.hosting.example\"");
            return null;
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            control.problem("url", shown, "must be https:// (the credential travels in every request); "
                    + "http:// is allowed only for a loopback host such as 127.0.0.1 (tests)");
            return null;
        }
        return uri;
    }

    /** Whether {@code host} is a loopback literal or {@code localhost} (no DNS lookup for other names). */
    static boolean loopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException notLiteral) {
            return false;
        }
    }

    private static Path absolute(ConfigReader.Section section, String key, String defaultValue) {
        String value = section.string(key, defaultValue);
        if (!value.startsWith("/")) {
            section.problem(key, "\"" + value + "\"", "must be an absolute path");
            return Path.of(defaultValue);
        }
        return Path.of(value);
    }

    /** Whether {@code [control] url} is set: without it the agent does not run (the relay does). */
    public boolean configured() {
        return controlUrl != null;
    }

    /** Where the credential is kept: {@code state_directory/credential.json}. */
    public Path credentialFile() {
        return stateDirectory.resolve("credential.json");
    }

    /** The spool of results not yet acknowledged: {@code state_directory/results/}. */
    public Path spoolDirectory() {
        return stateDirectory.resolve("results");
    }

    /** The OS-update executor's state (pending reboot): {@code state_directory/os}. */
    public Path osStateDirectory() {
        return stateDirectory.resolve("os");
    }

    /** Scratch space for application updates: {@code state_directory/app}. */
    public Path appScratchDirectory() {
        return stateDirectory.resolve("app");
    }
}
