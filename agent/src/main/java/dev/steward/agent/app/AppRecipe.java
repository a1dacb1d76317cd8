package dev.steward.agent.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An application recipe: one small TOML file per application (for example
 * {@code /etc/steward/apps/wiki.toml}) telling the agent how to back up, update, check and roll
 * back that application. Read with the same {@link ConfigReader} as the relay's config: every
 * problem is reported at once, unknown sections and keys are errors, durations carry units.
 *
 * <pre>
 * [application]
 * name = "wiki"
 * version_command = "cat /opt/wiki/VERSION"   # prints the installed version (first line)
 * version_timeout = "30s"                     # optional
 * working_directory = "/"                     # optional, where every command runs
 * expected_duration = "27m"                   # optional; default backup + update + health timeouts
 *
 * [backup]
 * command = "/opt/wiki/bin/backup"
 * timeout = "10m"                             # optional, default 10m
 *
 * [update]
 * command = "/opt/wiki/bin/update \"$STEWARD_TARGET_VERSION\""
 * timeout = "15m"                             # optional, default 15m
 *
 * [health]
 * url = "http://127.0.0.1:8080/health"        # or command = "..." (exactly one)
 * expect_status = 200                         # optional, url only
 * timeout = "2m"                              # optional: total time to become healthy
 * interval = "2s"                             # optional: pause between attempts
 * attempt_timeout = "10s"                     # optional: limit of one attempt
 *
 * [rollback]
 * command = "/opt/wiki/bin/rollback"
 * timeout = "15m"                             # optional, default 15m
 * </pre>
 *
 * <p>All four commands are required: an update without a backup or without a way back is not
 * something the agent starts on its own.
 *
 * <p>Thread safety: immutable.
 *
 * @param name             the application's name as the control plane knows it
 * @param versionCommand   prints the installed version on its first line of output
 * @param versionTimeout   the limit of the version command
 * @param workingDirectory where the commands run
 * @param expectedDuration the job is not started unless at least this much time remains before the
 *                         window's end
 */
public record AppRecipe(String name, String versionCommand, Duration versionTimeout, Path workingDirectory,
        Duration expectedDuration, RecipeCommand backup, RecipeCommand update, HealthCheckSpec health,
        RecipeCommand rollback) {

    static final Duration DEFAULT_BACKUP_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_UPDATE_TIMEOUT = Duration.ofMinutes(15);
    static final Duration DEFAULT_ROLLBACK_TIMEOUT = Duration.ofMinutes(15);
    static final Duration DEFAULT_VERSION_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(2);
    static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
    static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(5);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /** Reads and validates a recipe file. */
    public static AppRecipe load(Path file) throws ConfigException {
        return read(ConfigReader.open(file));
    }

    /** Parses recipe text; {@code fileName} only labels the messages. */
    public static AppRecipe parse(String fileName, String text) throws ConfigException {
        return read(ConfigReader.parse(fileName, text));
    }

    private static AppRecipe read(ConfigReader reader) throws ConfigException {
        ConfigReader.Section application = reader.section("application");
        String name = required(application, "name", "the application's name, e.g. \"wiki\"");
        if (name != null && !NAME.matcher(name).matches()) {
            application.problem("name", "\"" + name + "\"",
                    "must be lowercase letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit");
        }
        String versionCommand = required(application, "version_command",
                "a command that prints the installed version, e.g. \"cat /opt/wiki/VERSION\"");
        Duration versionTimeout = application.duration("version_timeout", DEFAULT_VERSION_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        String directory = application.string("working_directory", "/");
        if (!directory.startsWith("/")) {
            application.problem("working_directory", "\"" + directory + "\"", "must be an absolute path");
            directory = "/";
        }
        boolean expectedGiven = application.has("expected_duration");
        Duration expected = application.duration("expected_duration", MIN_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        application.finish();

        RecipeCommand backup = command(reader, "backup", DEFAULT_BACKUP_TIMEOUT);
        RecipeCommand update = command(reader, "update", DEFAULT_UPDATE_TIMEOUT);
        HealthCheckSpec health = health(reader);
        RecipeCommand rollback = command(reader, "rollback", DEFAULT_ROLLBACK_TIMEOUT);
        reader.finish();
        // finish() threw if anything was missing, so every part is present here.
        if (!expectedGiven) {
            expected = backup.timeout().plus(update.timeout()).plus(health.timeout());
        }
        return new AppRecipe(name, versionCommand, versionTimeout, Path.of(directory), expected, backup, update,
                health, rollback);
    }

    private static String required(ConfigReader.Section section, String key, String what) {
        String value = section.string(key, null);
        if (value == null) {
            section.problem(key, null, "missing: " + what);
        } else if (value.isBlank()) {
            section.problem(key, "\"" + value + "\"", "must not be blank: " + what);
            return null;
        }
        return value;
    }

    private static RecipeCommand command(ConfigReader reader, String sectionName, Duration defaultTimeout) {
        boolean present = reader.hasSection(sectionName);
        ConfigReader.Section section = reader.section(sectionName);
        String command = section.string("command", null);
        Duration timeout = section.duration("timeout", defaultTimeout, MIN_TIMEOUT, MAX_TIMEOUT);
        section.finish();
        if (command == null) {
            reader.problem(present ? "[" + sectionName + "] command" : "[" + sectionName + "]", null,
                    "missing: a recipe needs [" + sectionName + "] command = \"...\"");
            return null;
        }
        if (command.isBlank()) {
            section.problem("command", "\"" + command + "\"", "must not be blank");
            return null;
        }
        return new RecipeCommand(command, timeout);
    }

    private static HealthCheckSpec health(ConfigReader reader) {
        ConfigReader.Section section = reader.section("health");
        String url = section.string("url", null);
        String command = section.string("command", null);
        boolean statusGiven = section.has("expect_status");
        int expectStatus = section.integer("expect_status", 200, 100, 599);
        Duration timeout = section.duration("timeout", DEFAULT_HEALTH_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        Duration interval = section.duration("interval", DEFAULT_HEALTH_INTERVAL, MIN_INTERVAL, MAX_INTERVAL);
        Duration attemptTimeout = section.duration("attempt_timeout", DEFAULT_ATTEMPT_TIMEOUT, MIN_INTERVAL, MAX_INTERVAL);
        section.finish();
        if (url != null && command != null) {
            section.problem("command", "\"" + command + "\"", "give either url or command, not both");
            return null;
        }
        if (url == null && command == null) {
            reader.problem("[health]", null,
                    "missing: url = \"http://127.0.0.1:8080/health\" or command = \"...\" (exactly one)");
            return null;
        }
        if (command != null) {
            if (command.isBlank()) {
                section.problem("command", "\"\"", "must not be blank");
                return null;
            }
            if (statusGiven) {
                section.problem("expect_status", Integer.toString(expectStatus), "only applies to url; a command is healthy when it exits 0");
            }
            return new HealthCheckSpec(null, command, expectStatus, timeout, interval, attemptTimeout);
        }
        URI uri = httpUri(url);
        if (uri == null) {
            section.problem("url", "\"" + url + "\"", "must be an absolute http:// or https:// URL with a host, e.g. \"http://127.0.0.1:8080/health\"");
            return null;
        }
        return new HealthCheckSpec(uri, null, expectStatus, timeout, interval, attemptTimeout);
    }

    private static URI httpUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException bad) {
            return null;
        }
    }
}
