package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.common.config.ConfigReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryConfigTest {

    @Test
    void defaults_documentedValues() {
        RetryConfig defaults = RetryConfig.defaults();

        assertThat(defaults.minBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.maxBackoff()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.maxLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(defaults.delayWarningTime()).isEqualTo(Duration.ofHours(4));
        assertThat(defaults.delayWarnings()).isTrue();
    }

    @Test
    void constructor_badCombination_namesEveryProblem() {
        assertThatThrownBy(() -> new RetryConfig(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_backoff = \"1m\": must be >= min_backoff (\"5m\");"
                        + " max_lifetime = \"30s\": must be between 1m and 100d;"
                        + " max_lifetime = \"30s\": must be >= max_backoff (\"1m\");"
                        + " delay_warning_time = \"1d\": must be < max_lifetime (\"30s\"), or \"0s\" to turn delay warnings off");
    }

    @Test
    void constructor_zeroBackoffOrNegativeWarning_refused() {
        assertThatThrownBy(() -> new RetryConfig(Duration.ZERO, Duration.ofHours(1), Duration.ofDays(5), Duration.ZERO))
                .hasMessage("min_backoff = \"0s\": must be between 1s and 1d");
        assertThatThrownBy(() -> new RetryConfig(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5),
                Duration.ofHours(-1)))
                .hasMessage("delay_warning_time = \"PT-1H\": must not be negative; \"0s\" turns delay warnings off");
    }

    @Test
    void read_emptySection_defaults() throws ConfigException {
        ConfigReader reader = ConfigReader.parse("relay.toml", "[queue]\n");

        assertThat(RetryConfig.read(reader.section("queue"))).isEqualTo(RetryConfig.defaults());
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void read_values_parsed() throws ConfigException {
        ConfigReader reader = ConfigReader.parse("relay.toml", """
                [queue]
                min_backoff = "1m"
                max_backoff = "4h"
                max_lifetime = "2d"
                delay_warning_time = "0s"
                """);

        assertThat(RetryConfig.read(reader.section("queue"))).isEqualTo(new RetryConfig(Duration.ofMinutes(1),
                Duration.ofHours(4), Duration.ofDays(2), Duration.ZERO));
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void read_badValues_everyProblemReported_defaultsReturned() throws ConfigException {
        ConfigReader reader = ConfigReader.parse("relay.toml", """
                [queue]
                min_backoff = "5m"
                max_backoff = "1m"
                max_lifetime = "200d"
                delay_warning_time = "soon"
                """);

        assertThat(RetryConfig.read(reader.section("queue"))).isEqualTo(RetryConfig.defaults());
        assertThat(reader.problems()).extracting(ConfigProblem::message).containsExactly(
                "relay.toml: [queue] max_lifetime = \"200d\": must be between 1m and 100d",
                "relay.toml: [queue] delay_warning_time = \"soon\": not a duration: write a number with a unit such as"
                        + " \"30s\", \"5m\", \"4h\" or \"5d\"",
                "relay.toml: [queue] max_backoff = \"1m\": must be >= min_backoff (\"5m\")");
    }
}
