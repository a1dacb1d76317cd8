package dev.steward.agent.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * fio's JSON report ({@code --output-format=json}, fio 3.x) reduced to what Steward publishes: per
 * direction (read, write) the IOPS, the bandwidth and the completion-latency percentiles.
 *
 * <p>Fields used, per job in {@code jobs[]}: {@code error} (non-zero: the job failed),
 * {@code read}/{@code write} → {@code total_ios}, {@code iops}, {@code bw_bytes} (bytes per second),
 * {@code clat_ns.percentile["50.000000"|"95.000000"|"99.000000"]} (nanoseconds; absent with
 * {@code gtod_reduce=1}). With {@code --group_reporting} there is one job entry for all
 * {@code numjobs}; without it the entries' IOPS and bandwidth are summed, and percentiles, which
 * cannot be combined, are given only when there is a single entry.
 *
 * <p>Thread safety: immutable.
 *
 * @param version fio's {@code "fio version"}, e.g. {@code fio-3.33}
 * @param directions the directions that did any I/O, read first
 */
public record FioReport(String version, List<Direction> directions) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FioReport {
        directions = List.copyOf(directions);
    }

    /**
     * What one direction measured.
     *
     * @param direction {@code read} or {@code write}
     * @param iops I/O operations per second
     * @param mibPerSecond bandwidth in MiB (2^20 bytes) per second
     * @param p50Micros median completion latency in microseconds, or null when fio did not measure it
     * @param p95Micros 95th percentile, or null
     * @param p99Micros 99th percentile, or null
     */
    public record Direction(String direction, double iops, double mibPerSecond, Double p50Micros, Double p95Micros,
            Double p99Micros) {
    }

    /**
     * Parses fio's JSON output.
     *
     * @throws IllegalArgumentException when it is not fio JSON, has no jobs, or a job reports an error
     */
    public static FioReport parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("fio's output is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("fio's output is not a JSON object");
        }
        JsonNode jobs = root.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty()) {
            throw new IllegalArgumentException("fio's JSON has no jobs");
        }
        for (JsonNode job : jobs) {
            int error = job.path("error").asInt(0);
            if (error != 0) {
                throw new IllegalArgumentException("fio job " + job.path("jobname").asText("?") + " failed with error "
                        + error + " (an errno)");
            }
        }
        List<Direction> directions = new ArrayList<>();
        for (String name : List.of("read", "write")) {
            long ios = 0;
            double iops = 0;
            double bytesPerSecond = 0;
            for (JsonNode job : jobs) {
                JsonNode stats = job.path(name);
                ios += stats.path("total_ios").asLong(0);
                iops += number(stats, "iops");
                bytesPerSecond += number(stats, "bw_bytes");
            }
            if (ios == 0) {
                continue;
            }
            JsonNode percentiles = jobs.size() == 1 ? jobs.get(0).path(name).path("clat_ns").path("percentile")
                    : JSON.missingNode();
            directions.add(new Direction(name, iops, bytesPerSecond / (1 << 20), micros(percentiles, "50.000000"),
                    micros(percentiles, "95.000000"), micros(percentiles, "99.000000")));
        }
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("fio's JSON shows no I/O in any job");
        }
        return new FioReport(root.path("fio version").asText("fio (unknown version)"), directions);
    }

    /**
     * The figures of {@code test}: {@code <test>[_<direction>]_iops} (IOPS),
     * {@code …_bandwidth} (MiB/s) and, when measured, {@code …_latency_p50}, {@code _p95},
     * {@code _p99} (microseconds, completion latency).
     */
    public List<Figure> figures(FioTest test) {
        List<Figure> figures = new ArrayList<>();
        for (Direction d : directions) {
            String prefix = test.mixed() ? d.direction() + "_" : "";
            figures.add(Figure.higher(test.name(), prefix + "iops", "IOPS", d.iops()));
            figures.add(Figure.higher(test.name(), prefix + "bandwidth", "MiB/s", d.mibPerSecond()));
            if (d.p50Micros() != null) {
                figures.add(Figure.lower(test.name(), prefix + "latency_p50", "us", d.p50Micros()));
            }
            if (d.p95Micros() != null) {
                figures.add(Figure.lower(test.name(), prefix + "latency_p95", "us", d.p95Micros()));
            }
            if (d.p99Micros() != null) {
                figures.add(Figure.lower(test.name(), prefix + "latency_p99", "us", d.p99Micros()));
            }
        }
        return figures;
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException("fio's " + field + " is not a number: " + value);
        }
        return value.asDouble();
    }

    private static Double micros(JsonNode percentiles, String key) {
        JsonNode value = percentiles.path(key);
        return value.isNumber() ? value.asDouble() / 1000.0 : null;
    }
}
