package dev.steward.agent.app;

import dev.steward.common.config.DurationValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Duration formatting for reports: seconds with millisecond precision. Stateless. */
final class Durations {

    private Durations() {
    }

    /** Seconds with three decimals, the unit of every {@code *_seconds} field in the details. */
    static BigDecimal seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis()).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY);
    }

    static Duration sinceNanos(long startNanos, long endNanos) {
        return Duration.ofNanos(Math.max(0, endNanos - startNanos));
    }

    /** Human text for messages: {@code 15m}, {@code 300ms}, {@code 2.5s}. */
    static String text(Duration duration) {
        if (duration.toMillis() % 1000 == 0 || duration.toMillis() < 1000) {
            return DurationValue.format(Duration.ofMillis(duration.toMillis()));
        }
        return seconds(duration).stripTrailingZeros().toPlainString() + "s";
    }
}
