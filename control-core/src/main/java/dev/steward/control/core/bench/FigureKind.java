package dev.steward.control.core.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every figure name the agent's benchmark reports (README "Benchmarks", the agent's
 * {@code Figure} names), with its test, unit and direction. A name always has the same unit, so
 * one name compares across servers. Figures with other names are refused: they would be
 * published on a public page. The agent's {@code FigureNamesTest} keeps the two lists in step
 * (every figure an agent's run produces must have its kind here).
 *
 * <p>{@link #key()} marks the figures the specifications page charts.
 */
public enum FigureKind {
    DISK_RANDWRITE_IOPS("disk_randwrite", "IOPS", true, true),
    DISK_RANDWRITE_BANDWIDTH("disk_randwrite", "MiB/s", true, false),
    DISK_RANDWRITE_LATENCY_P50("disk_randwrite", "us", false, false),
    DISK_RANDWRITE_LATENCY_P95("disk_randwrite", "us", false, false),
    DISK_RANDWRITE_LATENCY_P99("disk_randwrite", "us", false, false),
    DISK_RANDREAD_IOPS("disk_randread", "IOPS", true, true),
    DISK_RANDREAD_BANDWIDTH("disk_randread", "MiB/s", true, false),
    DISK_RANDREAD_LATENCY_P50("disk_randread", "us", false, false),
    DISK_RANDREAD_LATENCY_P95("disk_randread", "us", false, false),
    DISK_RANDREAD_LATENCY_P99("disk_randread", "us", false, false),
    DISK_RANDRW_READ_IOPS("disk_randrw", "IOPS", true, true),
    DISK_RANDRW_WRITE_IOPS("disk_randrw", "IOPS", true, true),
    DISK_RANDRW_READ_BANDWIDTH("disk_randrw", "MiB/s", true, false),
    DISK_RANDRW_WRITE_BANDWIDTH("disk_randrw", "MiB/s", true, false),
    DISK_RANDRW_READ_LATENCY_P50("disk_randrw", "us", false, false),
    DISK_RANDRW_READ_LATENCY_P95("disk_randrw", "us", false, false),
    DISK_RANDRW_READ_LATENCY_P99("disk_randrw", "us", false, false),
    DISK_RANDRW_WRITE_LATENCY_P50("disk_randrw", "us", false, false),
    DISK_RANDRW_WRITE_LATENCY_P95("disk_randrw", "us", false, false),
    DISK_RANDRW_WRITE_LATENCY_P99("disk_randrw", "us", false, false),
    CPU_EVENTS_PER_SECOND("cpu", "events/s", true, true),
    CPU_LATENCY_AVG("cpu", "ms", false, false),
    CPU_LATENCY_P95("cpu", "ms", false, false),
    MEMORY_WRITE_BANDWIDTH("memory", "MiB/s", true, true),
    MEMORY_WRITE_OPERATIONS_PER_SECOND("memory", "ops/s", true, false),
    NETWORK_DOWNLOAD_BANDWIDTH("network", "MiB/s", true, true),
    NETWORK_TIME_TO_FIRST_BYTE("network", "ms", false, false);

    private static final Map<String, FigureKind> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FigureKind::figureName, Function.identity()));

    private final String test;
    private final String unit;
    private final boolean higherIsBetter;
    private final boolean key;

    FigureKind(String test, String unit, boolean higherIsBetter, boolean key) {
        this.test = test;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.key = key;
    }

    /** The wire name, e.g. {@code disk_randwrite_iops}. */
    public String figureName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The agent's test that measures it, e.g. {@code disk_randwrite}. */
    public String test() {
        return test;
    }

    /** Its unit, e.g. {@code IOPS}. */
    public String unit() {
        return unit;
    }

    /** Whether a larger value is better. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Whether the specifications page charts it. */
    public boolean key() {
        return key;
    }

    /** The kind of a wire name, if it is one. */
    public static Optional<FigureKind> byName(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }
}
