package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-28T10:00:00Z");

    private static RetryPolicy policy(RetryConfig config, Instant now) {
        return new RetryPolicy(config, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void backoff_defaults_exactList() {
        RetryPolicy policy = policy(RetryConfig.defaults(), ARRIVAL);

        List<Duration> waits = java.util.stream.IntStream.rangeClosed(1, 9).mapToObj(policy::backoff).toList();

        assertThat(waits).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
                Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofHours(1));
    }

    /** Odd numbers and a cap that is no power of two: every doubling exact to the second. */
    @Test
    void backoff_oddValues_exactDoublingThenCap() {
        RetryPolicy policy = policy(new RetryConfig(Duration.ofSeconds(7), Duration.ofSeconds(1000), Duration.ofDays(1),
                Duration.ZERO), ARRIVAL);

        assertThat(java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(n -> policy.backoff(n).toSeconds()).toList())
                .containsExactly(7L, 14L, 28L, 56L, 112L, 224L, 448L, 896L, 1000L, 1000L);
    }

    @ParameterizedTest(name = "attempt {0} -> {1}")
    @CsvSource({"1, PT1S", "2, PT2S", "20, PT524288S", "21, PT168H", "64, PT168H", "2147483647, PT168H"})
    void backoff_largeCounts_noOverflow(int attempts, Duration expected) {
        RetryPolicy policy = policy(new RetryConfig(Duration.ofSeconds(1), Duration.ofDays(7), Duration.ofDays(100),
                Duration.ZERO), ARRIVAL);

        assertThat(policy.backoff(attempts)).isEqualTo(expected);
    }

    @Test
    void backoff_zeroAttempts_refused() {
        assertThatThrownBy(() -> policy(RetryConfig.defaults(), ARRIVAL).backoff(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nextAttempt_countsFromTheFailedAttempt() {
        Instant now = ARRIVAL.plus(Duration.ofHours(3).plusSeconds(17));
        RetryPolicy policy = policy(RetryConfig.defaults(), now);

        assertThat(policy.nextAttempt(ARRIVAL, 0)).isEqualTo(now);
        assertThat(policy.nextAttempt(ARRIVAL, 1)).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(policy.nextAttempt(ARRIVAL, 3)).isEqualTo(now.plus(Duration.ofMinutes(20)));
        assertThat(policy.nextAttempt(ARRIVAL, 12)).isEqualTo(now.plus(Duration.ofHours(1)));
    }

    @Test
    void nextAttempt_nearExpiry_clampedToExpiry() {
        Instant expiry = ARRIVAL.plus(Duration.ofDays(5));

        assertThat(policy(RetryConfig.defaults(), expiry.minusSeconds(60)).nextAttempt(ARRIVAL, 30)).isEqualTo(expiry);
        assertThat(policy(RetryConfig.defaults(), expiry).nextAttempt(ARRIVAL, 31)).isEqualTo(expiry);
        // Already past expiry (the relay was down): due now, and ExpiryPolicy will bounce it.
        Instant late = expiry.plus(Duration.ofHours(7));
        assertThat(policy(RetryConfig.defaults(), late).nextAttempt(ARRIVAL, 31)).isEqualTo(late);
    }

    @Test
    void plannedAttempts_defaults_exactSchedule() {
        List<Instant> attempts = policy(RetryConfig.defaults(), ARRIVAL).plannedAttempts(ARRIVAL);

        assertThat(attempts.subList(0, 8)).containsExactly(
                Instant.parse("2026-11-28T10:00:00Z"),
                Instant.parse("2026-11-28T10:05:00Z"),
                Instant.parse("2026-11-28T10:15:00Z"),
                Instant.parse("2026-11-28T10:35:00Z"),
                Instant.parse("2026-11-28T11:15:00Z"),
                Instant.parse("2026-11-28T12:15:00Z"),
                Instant.parse("2026-11-28T13:15:00Z"),
                Instant.parse("2026-11-28T14:15:00Z"));
        assertThat(attempts.subList(attempts.size() - 3, attempts.size())).containsExactly(
                Instant.parse("2026-12-03T08:15:00Z"),
                Instant.parse("2026-12-03T09:15:00Z"),
                Instant.parse("2026-12-03T10:00:00Z"));
        // 5 attempts in the first 75 minutes, then hourly from 11:15 to 09:15 five days later (118), then expiry.
        assertThat(attempts).hasSize(124).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void plannedAttempts_shortLifetime_lastAttemptAtExpiry() {
        RetryConfig config = new RetryConfig(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ZERO);

        assertThat(policy(config, ARRIVAL).plannedAttempts(ARRIVAL)).containsExactly(
                Instant.parse("2026-11-28T10:00:00Z"),
                Instant.parse("2026-11-28T10:05:00Z"),
                Instant.parse("2026-11-28T10:15:00Z"),
                Instant.parse("2026-11-28T10:35:00Z"),
                Instant.parse("2026-11-28T11:00:00Z"));
    }

    @Test
    void destinationRetryAt_doublesWithConsecutiveFailures() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        RetryPolicy policy = policy(RetryConfig.defaults(), now);

        assertThat(policy.destinationRetryAt(1)).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(policy.destinationRetryAt(2)).isEqualTo(now.plus(Duration.ofMinutes(10)));
        assertThat(policy.destinationRetryAt(4)).isEqualTo(now.plus(Duration.ofMinutes(40)));
        assertThat(policy.destinationRetryAt(50)).isEqualTo(now.plus(Duration.ofHours(1)));
    }
}
