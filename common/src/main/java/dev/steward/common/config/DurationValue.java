package dev.steward.common.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written with Postfix-style suffixes: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 4h},
 * {@code 5d}, {@code 1w}. A bare number is refused, because Postfix's "seconds unless said
 * otherwise" is a classic source of 1000x mistakes.
 *
 * <p>Thread safety: stateless.
 */
public final class DurationValue {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d|w)");

    private DurationValue() {
    }

    /** @throws IllegalArgumentException with the accepted forms */
    public static Duration parse(String text) {
        Matcher matcher = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration: write a number with a unit such as \"30s\", \"5m\", \"4h\" or \"5d\"");
        }
        long number = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(number);
            case "s" -> Duration.ofSeconds(number);
            case "m" -> Duration.ofMinutes(number);
            case "h" -> Duration.ofHours(number);
            case "d" -> Duration.ofDays(number);
            case "w" -> Duration.ofDays(7 * number);
            default -> throw new IllegalArgumentException("unknown unit " + matcher.group(2));
        };
    }

    /** The largest exact unit: {@code 5m}, {@code 90s}, {@code 1500ms}. */
    public static String format(Duration duration) {
        if (duration.getNano() != 0) {
            return duration.toMillis() + "ms";
        }
        // Whole seconds: count in seconds, not millis, so that "999999999999d" does not overflow.
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return "0s";
        }
        long[] sizes = {7L * 86_400, 86_400, 3_600, 60};
        String[] units = {"w", "d", "h", "m"};
        for (int i = 0; i < sizes.length; i++) {
            if (seconds % sizes[i] == 0) {
                return seconds / sizes[i] + units[i];
            }
        }
        return seconds + "s";
    }
}
