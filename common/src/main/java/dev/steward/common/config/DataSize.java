package dev.steward.common.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes written with a unit, as config values carry units: {@code 25MiB}, {@code 10MB},
 * {@code 512KiB}, {@code 1000} (plain bytes). SI units are powers of 1000, IEC units powers of 1024.
 *
 * <p>Thread safety: immutable.
 */
public record DataSize(long bytes) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    /** The units toString() tries, IEC first so that it wins a tie in length. */
    private static final long[] UNIT_SIZES = {1L << 30, 1L << 20, 1L << 10, 1000_000_000, 1000_000, 1000};
    private static final String[] UNIT_NAMES = {"GiB", "MiB", "KiB", "GB", "MB", "KB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size: " + bytes);
        }
    }

    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    public static DataSize ofMebibytes(long mebibytes) {
        return new DataSize(Math.multiplyExact(mebibytes, 1L << 20));
    }

    /**
     * Parses {@code 25MiB}, {@code 10MB}, {@code 64KiB}, {@code 1GiB}, {@code 4096}, {@code 4096B}.
     *
     * @throws IllegalArgumentException naming the accepted units
     */
    public static DataSize parse(String text) {
        Matcher matcher = SYNTAX.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a size: write a number with a unit such as \"25MiB\", \"64KiB\" or \"10MB\"");
        }
        long multiplier = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kb", "k" -> 1000;
            case "kib" -> 1L << 10;
            case "mb", "m" -> 1000_000;
            case "mib" -> 1L << 20;
            case "gb", "g" -> 1000_000_000;
            case "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException(
                    "unknown unit \"" + matcher.group(2) + "\": use B, KB, KiB, MB, MiB, GB or GiB");
        };
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier));
        } catch (NumberFormatException | ArithmeticException overflow) {
            throw new IllegalArgumentException("size too large");
        }
    }

    /** The shortest exact form: {@code 25MiB}, {@code 1GB}, {@code 77B}; on a tie the IEC unit. */
    @Override
    public String toString() {
        String shortest = bytes + "B";
        for (int i = 0; i < UNIT_SIZES.length && bytes != 0; i++) {
            if (bytes % UNIT_SIZES[i] == 0) {
                String candidate = bytes / UNIT_SIZES[i] + UNIT_NAMES[i];
                if (candidate.length() < shortest.length()) {
                    shortest = candidate;
                }
            }
        }
        return shortest;
    }
}
