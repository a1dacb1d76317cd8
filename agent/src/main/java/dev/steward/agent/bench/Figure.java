package dev.steward.agent.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One measured figure of a benchmark, the unit the control plane aggregates: per figure name it
 * can average or chart the values of many servers (per application, per package), because a name
 * always has the same unit and the same meaning. The names and units are listed in the README
 * ("Benchmarks").
 *
 * <p>Thread safety: immutable.
 *
 * @param name snake_case, e.g. {@code disk_randread_iops}; stable across versions
 * @param test the test that produced it (a prefix of the name, e.g. {@code disk_randread})
 * @param unit {@code IOPS}, {@code MiB/s}, {@code us}, {@code ms}, {@code events/s} or {@code ops/s}
 * @param value the measurement, finite and not negative
 * @param higherIsBetter whether a larger value is the better one (false for latencies)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Figure(String name, String test, String unit, double value, boolean higherIsBetter) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(unit, "unit");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("figure name is not snake_case: " + name);
        }
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException("figure " + name + " is not a finite non-negative number: " + value);
        }
    }

    /** A figure where more is better (throughput, operations). */
    static Figure higher(String test, String suffix, String unit, double value) {
        return new Figure(test + "_" + suffix, test, unit, value, true);
    }

    /** A figure where less is better (latency). */
    static Figure lower(String test, String suffix, String unit, double value) {
        return new Figure(test + "_" + suffix, test, unit, value, false);
    }
}
