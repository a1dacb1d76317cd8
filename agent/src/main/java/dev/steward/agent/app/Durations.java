package dev.steward.agent.app;

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

    /** Human text for messages: {@code 15m}, {@code 25m1s}, {@code 1h30m}, {@code 300ms}, {@code 2.5s}. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long secondsMillis = millis % 60_000;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (secondsMillis > 0) {
            text.append(BigDecimal.valueOf(secondsMillis).movePointLeft(3).stripTrailingZeros().toPlainString()).append('s');
        }
        return text.toString();
    }
}
