package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppRecipeTest {

    private static final String MINIMAL = """
            [application]
            name = "wiki"
            version_command = "cat /opt/wiki/VERSION"

            [backup]
            command = "/opt/wiki/bin/backup"

            [update]
            command = "/opt/wiki/bin/update \\"$STEWARD_TARGET_VERSION\\""

            [health]
            url = "http://127.0.0.1:8080/health"

            [rollback]
            command = "/opt/wiki/bin/rollback"
            """;

    private static String messages(String text) {
        try {
            AppRecipe.parse("wiki.toml", text);
        } catch (ConfigException expected) {
            return String.join("\n", expected.problems().stream().map(ConfigProblem::message).toList());
        }
        throw new AssertionError("the recipe was accepted");
    }

    @Test
    void parse_minimalRecipe_takesTheDocumentedDefaults() throws Exception {
        AppRecipe recipe = AppRecipe.parse("wiki.toml", MINIMAL);

        assertThat(recipe.name()).isEqualTo("wiki");
        assertThat(recipe.versionCommand()).isEqualTo("cat /opt/wiki/VERSION");
        assertThat(recipe.versionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(recipe.workingDirectory()).isEqualTo(Path.of("/"));
        assertThat(recipe.backup()).isEqualTo(new RecipeCommand("/opt/wiki/bin/backup", Duration.ofMinutes(10)));
        assertThat(recipe.update()).isEqualTo(new RecipeCommand("/opt/wiki/bin/update \"$STEWARD_TARGET_VERSION\"",
                Duration.ofMinutes(15)));
        assertThat(recipe.rollback()).isEqualTo(new RecipeCommand("/opt/wiki/bin/rollback", Duration.ofMinutes(15)));
        assertThat(recipe.health()).isEqualTo(new HealthCheckSpec(URI.create("http://127.0.0.1:8080/health"), null, 200,
                Duration.ofMinutes(2), Duration.ofSeconds(2), Duration.ofSeconds(10)));
        // backup 10m + update 15m + health 2m
        assertThat(recipe.expectedDuration()).isEqualTo(Duration.ofMinutes(27));
    }

    @Test
    void parse_everyKeyGiven_readsThem() throws Exception {
        AppRecipe recipe = AppRecipe.parse("wiki.toml", """
                [application]
                name = "wiki-2.example"
                version_command = "wiki --version"
                version_timeout = "5s"
                working_directory = "/opt/wiki"
                expected_duration = "20m"
                [backup]
                command = "b"
                timeout = "1h"
                [update]
                command = "u"
                timeout = "90s"
                [health]
                command = "curl -fsS http://127.0.0.1/health"
                timeout = "3m"
                interval = "500ms"
                attempt_timeout = "5s"
                [rollback]
                command = "r"
                timeout = "20m"
                """);

        assertThat(recipe.expectedDuration()).isEqualTo(Duration.ofMinutes(20));
        assertThat(recipe.workingDirectory()).isEqualTo(Path.of("/opt/wiki"));
        assertThat(recipe.versionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(recipe.backup().timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(recipe.update().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(recipe.rollback().timeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(recipe.health()).isEqualTo(new HealthCheckSpec(null, "curl -fsS http://127.0.0.1/health", 200,
                Duration.ofMinutes(3), Duration.ofMillis(500), Duration.ofSeconds(5)));
        assertThat(recipe.health().describe()).isEqualTo("command: curl -fsS http://127.0.0.1/health");
    }

    @Test
    void parse_missingUpdateSection_saysWhatToWrite() {
        assertThat(messages(MINIMAL.replace("[update]\ncommand = \"/opt/wiki/bin/update \\\"$STEWARD_TARGET_VERSION\\\"\"\n", "")))
                .isEqualTo("wiki.toml: [update]: missing: a recipe needs [update] command = \"...\"");
    }

    @Test
    void parse_everyProblem_reportedAtOnce() {
        String text = """
                [application]
                name = "Wiki App"
                version_command = ""
                expected_duration = "soon"
                colour = "blue"
                [backup]
                timeout = "10"
                [update]
                command = "u"
                timeout = "0s"
                [health]
                url = "ftp://example.org/x"
                expect_status = 700
                [rollback]
                command = "r"
                [extras]
                x = 1
                """;

        assertThat(messages(text).lines().toList()).containsExactly(
                "wiki.toml: [application] name = \"Wiki App\": must be lowercase letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit",
                "wiki.toml: [application] version_command = \"\": must not be blank: a command that prints the installed version, e.g. \"cat /opt/wiki/VERSION\"",
                "wiki.toml: [application] expected_duration = \"soon\": not a duration: write a number with a unit such as \"30s\", \"5m\", \"4h\" or \"5d\"",
                "wiki.toml: [application] colour = \"blue\": unknown key; known keys in [application]: name, version_command, version_timeout, working_directory, expected_duration",
                "wiki.toml: [backup] timeout = \"10\": not a duration: write a number with a unit such as \"30s\", \"5m\", \"4h\" or \"5d\"",
                "wiki.toml: [backup] command: missing: a recipe needs [backup] command = \"...\"",
                "wiki.toml: [update] timeout = \"0s\": must be between 1s and 1d",
                "wiki.toml: [health] expect_status = 700: must be between 100 and 599",
                "wiki.toml: [health] url = \"ftp://example.org/x\": must be an absolute http:// or https:// URL with a host, e.g. \"http://127.0.0.1:8080/health\"",
                "wiki.toml: [extras]: unknown section; known sections: [application], [backup], [update], [health], [rollback]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            url = "http://127.0.0.1/h"~command = "true"     | wiki.toml: [health] command = "true": give either url or command, not both
            interval = "1s"                                 | wiki.toml: [health]: missing: url = "http://127.0.0.1:8080/health" or command = "..." (exactly one)
            command = "true"~expect_status = 204            | wiki.toml: [health] expect_status = 204: only applies to url; a command is healthy when it exits 0
            url = "http://127.0.0.1/h"~interval = "10ms"    | wiki.toml: [health] interval = "10ms": must be between 100ms and 5m
            url = "http://127.0.0.1/h"~timeout = 30         | wiki.toml: [health] timeout = 30: must be a quoted string with a unit, e.g. "30s" or "25MiB"
            url = "/health"                                 | wiki.toml: [health] url = "/health": must be an absolute http:// or https:// URL with a host, e.g. "http://127.0.0.1:8080/health"
            """)
    void parse_badHealthSection_isRefused(String healthBody, String message) {
        String text = MINIMAL.replace("[health]\nurl = \"http://127.0.0.1:8080/health\"\n",
                "[health]\n" + healthBody.replace('~', '\n') + "\n");

        assertThat(messages(text)).isEqualTo(message);
    }

    @Test
    void parse_relativeWorkingDirectory_isRefused() {
        assertThat(messages(MINIMAL.replace("[backup]", "working_directory = \"opt/wiki\"\n[backup]")))
                .isEqualTo("wiki.toml: [application] working_directory = \"opt/wiki\": must be an absolute path");
    }

    @Test
    void load_missingFile_isAConfigProblem() {
        assertThatThrownBy(() -> AppRecipe.load(Path.of("/nonexistent/wiki.toml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/nonexistent/wiki.toml: (file): does not exist");
    }
}
