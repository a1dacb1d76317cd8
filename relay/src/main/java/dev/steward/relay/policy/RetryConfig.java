package dev.steward.relay.policy;

import dev.steward.common.config.ConfigReader;
import dev.steward.common.config.DurationValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The retry and expiry knobs of {@code [queue]} (Postfix {@code minimal_backoff_time},
 * {@code maximal_backoff_time}, {@code maximal_queue_lifetime}, {@code delay_warning_time}):
 *
 * <table>
 * <caption>Keys, defaults and bounds</caption>
 * <tr><th>key</th><th>default</th><th>bounds</th><th>meaning</th></tr>
 * <tr><td>{@code min_backoff}</td><td>{@code 5m}</td><td>1s..1d</td><td>wait after the first failed attempt</td></tr>
 * <tr><td>{@code max_backoff}</td><td>{@code 1h}</td><td>1s..7d, &ge; min_backoff</td><td>longest wait between attempts</td></tr>
 * <tr><td>{@code max_lifetime}</td><td>{@code 5d}</td><td>1m..100d, &ge; max_backoff</td><td>then the message is bounced</td></tr>
 * <tr><td>{@code delay_warning_time}</td><td>{@code 4h}</td><td>0s..100d, &lt; max_lifetime; {@code 0s} = off</td><td>when the sender is told the mail is late</td></tr>
 * </table>
 *
 * <p>Thread safety: immutable.
 */
public record RetryConfig(Duration minBackoff, Duration maxBackoff, Duration maxLifetime, Duration delayWarningTime) {

    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(5);
    public static final Duration DEFAULT_DELAY_WARNING_TIME = Duration.ofHours(4);

    private static final Duration MIN_BACKOFF_FLOOR = Duration.ofSeconds(1);
    private static final Duration MIN_BACKOFF_CEILING = Duration.ofDays(1);
    private static final Duration MAX_BACKOFF_CEILING = Duration.ofDays(7);
    private static final Duration MAX_LIFETIME_FLOOR = Duration.ofMinutes(1);
    private static final Duration LIFETIME_CEILING = Duration.ofDays(100);

    /** @throws IllegalArgumentException naming every rule the values break */
    public RetryConfig {
        Objects.requireNonNull(minBackoff, "minBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(delayWarningTime, "delayWarningTime");
        List<String> problems = new ArrayList<>();
        check(minBackoff, maxBackoff, maxLifetime, delayWarningTime, (key, value, rule) -> problems.add(key + " = " + value + ": " + rule));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults of the table above. */
    public static RetryConfig defaults() {
        return new RetryConfig(DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_LIFETIME, DEFAULT_DELAY_WARNING_TIME);
    }

    /** True when delay warnings are on ({@code delay_warning_time} is not {@code 0s}). */
    public boolean delayWarnings() {
        return !delayWarningTime.isZero();
    }

    /**
     * Reads the four keys from {@code [queue]} and reports every problem to the reader, single
     * values and combinations alike; returns the defaults after a problem, so reading continues.
     * Call before the section's {@code finish()}.
     */
    public static RetryConfig read(ConfigReader.Section queue) {
        Duration min = queue.duration("min_backoff", DEFAULT_MIN_BACKOFF, MIN_BACKOFF_FLOOR, MIN_BACKOFF_CEILING);
        Duration max = queue.duration("max_backoff", DEFAULT_MAX_BACKOFF, MIN_BACKOFF_FLOOR, MAX_BACKOFF_CEILING);
        Duration lifetime = queue.duration("max_lifetime", DEFAULT_MAX_LIFETIME, MAX_LIFETIME_FLOOR, LIFETIME_CEILING);
        Duration warning = queue.duration("delay_warning_time", DEFAULT_DELAY_WARNING_TIME, Duration.ZERO, LIFETIME_CEILING);
        boolean[] bad = {false};
        check(min, max, lifetime, warning, (key, value, rule) -> {
            queue.problem(key, value, rule);
            bad[0] = true;
        });
        return bad[0] ? defaults() : new RetryConfig(min, max, lifetime, warning);
    }

    private interface ProblemSink {
        void problem(String key, String value, String rule);
    }

    private static void check(Duration min, Duration max, Duration lifetime, Duration warning, ProblemSink sink) {
        if (min.compareTo(MIN_BACKOFF_FLOOR) < 0 || min.compareTo(MIN_BACKOFF_CEILING) > 0) {
            sink.problem("min_backoff", quoted(min), "must be between 1s and 1d");
        }
        if (max.compareTo(MAX_BACKOFF_CEILING) > 0) {
            sink.problem("max_backoff", quoted(max), "must be at most 7d");
        }
        if (max.compareTo(min) < 0) {
            sink.problem("max_backoff", quoted(max), "must be >= min_backoff (" + quoted(min) + ")");
        }
        if (lifetime.compareTo(MAX_LIFETIME_FLOOR) < 0 || lifetime.compareTo(LIFETIME_CEILING) > 0) {
            sink.problem("max_lifetime", quoted(lifetime), "must be between 1m and 100d");
        }
        if (lifetime.compareTo(max) < 0) {
            sink.problem("max_lifetime", quoted(lifetime), "must be >= max_backoff (" + quoted(max) + ")");
        }
        if (warning.isNegative()) {
            sink.problem("delay_warning_time", quoted(warning), "must not be negative; \"0s\" turns delay warnings off");
        } else if (!warning.isZero() && warning.compareTo(lifetime) >= 0) {
            sink.problem("delay_warning_time", quoted(warning), "must be < max_lifetime (" + quoted(lifetime)
                    + "), or \"0s\" to turn delay warnings off");
        }
    }

    private static String quoted(Duration duration) {
        return duration.isNegative() ? "\"" + duration + "\"" : "\"" + DurationValue.format(duration) + "\"";
    }
}
