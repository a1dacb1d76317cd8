package dev.steward.control.core.bench;

import java.util.Locale;

/**
 * The agent's benchmark profiles: {@code full} (the provider's published parameters, the only
 * one aggregated and published) and {@code quick} (small sizes, for tests and a first look; shown
 * per server only, labelled).
 */
public enum BenchProfile {
    /** The seed's parameters. */
    FULL,
    /** 16 MiB files, 2-second runs. */
    QUICK;

    /** The wire form: {@code full} or {@code quick}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for anything but {@code full} or {@code quick}
     */
    public static BenchProfile fromCode(String code) {
        if ("full".equals(code)) {
            return FULL;
        }
        if ("quick".equals(code)) {
            return QUICK;
        }
        throw new IllegalArgumentException("a benchmark profile is full or quick, not " + code);
    }
}
