package dev.steward.agent.bench;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * sysbench's text report (sysbench 1.0.x; it has no JSON output for its built-in {@code cpu} and
 * {@code memory} tests: {@code --verbosity} only filters messages) reduced to its figures. The
 * lines read, as sysbench 1.0.20 prints them:
 * <pre>
 * sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)
 *     events per second:   743.47                          (cpu)
 * Total operations: 2972561 (1463994.60 per second)        (memory)
 * 2902.89 MiB transferred (1429.68 MiB/sec)                (memory)
 *     total time:                          2.0091s
 *     total number of events:              1495
 *          avg:                                    2.62    (under "Latency (ms):")
 *          95th percentile:                       19.29
 * </pre>
 *
 * <p>Thread safety: immutable.
 *
 * @param version the first line's {@code sysbench 1.0.20}
 * @param totalSeconds "total time"
 * @param events "total number of events"
 * @param eventsPerSecond the CPU test's "events per second", or NaN for other tests
 * @param operationsPerSecond the memory test's operations per second, or NaN
 * @param mibPerSecond the memory test's MiB/sec, or NaN
 * @param latencyAvgMillis the average latency of one event in milliseconds
 * @param latencyP95Millis its 95th percentile
 */
public record SysbenchReport(String version, double totalSeconds, long events, double eventsPerSecond,
        double operationsPerSecond, double mibPerSecond, double latencyAvgMillis, double latencyP95Millis) {

    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern VERSION = Pattern.compile("^(sysbench [0-9][^ ]*)", Pattern.MULTILINE);
    private static final Pattern EVENTS_PER_SECOND = Pattern.compile("events per second:\\s*" + NUMBER);
    private static final Pattern OPERATIONS = Pattern.compile("Total operations:\\s*[0-9]+\\s*\\(" + NUMBER + " per second\\)");
    private static final Pattern TRANSFERRED = Pattern.compile(NUMBER + " MiB transferred \\(" + NUMBER + " MiB/sec\\)");
    private static final Pattern TOTAL_TIME = Pattern.compile("total time:\\s*" + NUMBER + "s");
    private static final Pattern TOTAL_EVENTS = Pattern.compile("total number of events:\\s*([0-9]+)");
    private static final Pattern LATENCY_AVG = Pattern.compile("Latency \\(ms\\):\\s*\\n(?:.*\\n)*?\\s*avg:\\s*" + NUMBER);
    private static final Pattern LATENCY_P95 = Pattern.compile("95th percentile:\\s*" + NUMBER);

    /**
     * Parses the output of {@code sysbench cpu run} or {@code sysbench memory run}.
     *
     * @throws IllegalArgumentException when a line the test always prints is missing
     */
    public static SysbenchReport parse(String text) {
        String version = find(VERSION, text, 1).orElseThrow(() -> missing("the version line (sysbench x.y.z)", text));
        double totalSeconds = number(TOTAL_TIME, text, 1, "total time");
        long events = (long) number(TOTAL_EVENTS, text, 1, "total number of events");
        double latencyAvg = number(LATENCY_AVG, text, 1, "Latency (ms): avg");
        double latencyP95 = number(LATENCY_P95, text, 1, "95th percentile");
        OptionalDouble eventsPerSecond = decimal(EVENTS_PER_SECOND, text, 1);
        OptionalDouble operations = decimal(OPERATIONS, text, 1);
        OptionalDouble mib = decimal(TRANSFERRED, text, 2);
        if (eventsPerSecond.isEmpty() && (operations.isEmpty() || mib.isEmpty())) {
            throw missing("\"events per second\" (cpu) or \"Total operations\" and \"MiB transferred\" (memory)", text);
        }
        return new SysbenchReport(version, totalSeconds, events, eventsPerSecond.orElse(Double.NaN),
                operations.orElse(Double.NaN), mib.orElse(Double.NaN), latencyAvg, latencyP95);
    }

    /** The CPU test's figures: {@code cpu_events_per_second}, {@code cpu_latency_avg}, {@code cpu_latency_p95}. */
    public java.util.List<Figure> cpuFigures() {
        if (Double.isNaN(eventsPerSecond)) {
            throw new IllegalStateException("not a sysbench cpu report");
        }
        return java.util.List.of(
                Figure.higher("cpu", "events_per_second", "events/s", eventsPerSecond),
                Figure.lower("cpu", "latency_avg", "ms", latencyAvgMillis),
                Figure.lower("cpu", "latency_p95", "ms", latencyP95Millis));
    }

    /** The memory test's figures: {@code memory_write_bandwidth} (MiB/s), {@code memory_write_operations_per_second}. */
    public java.util.List<Figure> memoryFigures() {
        if (Double.isNaN(mibPerSecond)) {
            throw new IllegalStateException("not a sysbench memory report");
        }
        return java.util.List.of(
                Figure.higher("memory", "write_bandwidth", "MiB/s", mibPerSecond),
                Figure.higher("memory", "write_operations_per_second", "ops/s", operationsPerSecond));
    }

    private static java.util.Optional<String> find(Pattern pattern, String text, int group) {
        Matcher m = pattern.matcher(text);
        return m.find() ? java.util.Optional.of(m.group(group)) : java.util.Optional.empty();
    }

    private static OptionalDouble decimal(Pattern pattern, String text, int group) {
        return find(pattern, text, group).map(s -> OptionalDouble.of(Double.parseDouble(s))).orElse(OptionalDouble.empty());
    }

    private static double number(Pattern pattern, String text, int group, String what) {
        return decimal(pattern, text, group).orElseThrow(() -> missing("\"" + what + "\"", text));
    }

    private static IllegalArgumentException missing(String what, String text) {
        String[] lines = text.strip().split("\n");
        String last = lines.length == 0 ? "" : lines[lines.length - 1];
        return new IllegalArgumentException("sysbench's output has no " + what + "; its last line: " + last);
    }
}
