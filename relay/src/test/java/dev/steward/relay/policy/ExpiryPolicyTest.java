package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.policy.ExpiryPolicy.Decision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpiryPolicyTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-28T10:00:00Z");

    private static ExpiryPolicy at(Duration age, RetryConfig config) {
        return new ExpiryPolicy(config, Clock.fixed(ARRIVAL.plus(age), ZoneOffset.UTC));
    }

    /** Defaults: warning after 4h, expiry after 5d. Age, whether the warning went out, decision. */
    @ParameterizedTest(name = "age {0}, warned {1} -> {2}")
    @CsvSource({
            "PT0S,              false, KEEP",
            "PT3H59M59S,        false, KEEP",
            "PT4H,              false, SEND_DELAY_WARNING",
            "PT4H,              true,  KEEP",
            "PT50H,             false, SEND_DELAY_WARNING",
            "PT50H,             true,  KEEP",
            "PT119H59M59.999S,  false, SEND_DELAY_WARNING",
            "PT119H59M59.999S,  true,  KEEP",
            "PT120H,            false, EXPIRE",
            "PT120H,            true,  EXPIRE",
            "PT2000H,           true,  EXPIRE",
            "-PT1H,             false, KEEP"})
    void decide_defaults(Duration age, boolean warned, Decision expected) {
        assertThat(at(age, RetryConfig.defaults()).decide(ARRIVAL, warned)).isEqualTo(expected);
    }

    @Test
    void decide_warningsOff_neverWarns() {
        RetryConfig noWarnings = new RetryConfig(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5), Duration.ZERO);

        assertThat(at(Duration.ofHours(4), noWarnings).decide(ARRIVAL, false)).isEqualTo(Decision.KEEP);
        assertThat(at(Duration.ofDays(4), noWarnings).decide(ARRIVAL, false)).isEqualTo(Decision.KEEP);
        assertThat(at(Duration.ofDays(5), noWarnings).decide(ARRIVAL, false)).isEqualTo(Decision.EXPIRE);
        assertThat(at(Duration.ZERO, noWarnings).delayWarningAt(ARRIVAL)).isEmpty();
    }

    @Test
    void times_fromArrival() {
        ExpiryPolicy policy = at(Duration.ZERO, RetryConfig.defaults());

        assertThat(policy.expiresAt(ARRIVAL)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(policy.delayWarningAt(ARRIVAL)).contains(Instant.parse("2026-11-28T14:00:00Z"));
        assertThat(policy.isExpired(ARRIVAL)).isFalse();
        assertThat(at(Duration.ofDays(5), RetryConfig.defaults()).isExpired(ARRIVAL)).isTrue();
    }
}
