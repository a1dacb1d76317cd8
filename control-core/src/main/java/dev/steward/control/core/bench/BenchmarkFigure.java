package dev.steward.control.core.bench;

import java.util.Objects;

/**
 * One measured figure of one run, as the agent reports it ({@code {name, test, unit, value,
 * higher_is_better}}), checked against {@link FigureKind}: a known name with its unit, test and
 * direction, and a finite, non-negative value below {@value #MAX_VALUE}.
 *
 * <p>Thread safety: immutable.
 */
public record BenchmarkFigure(String name, String test, String unit, double value, boolean higherIsBetter) {

    /** No real figure comes near this (10^12 IOPS, MiB/s, µs): larger is garbage. */
    public static final double MAX_VALUE = 1e12;

    /**
     * @throws IllegalArgumentException naming the figure and what is wrong with it
     */
    public BenchmarkFigure {
        Objects.requireNonNull(name, "name");
        FigureKind kind = FigureKind.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown figure name " + shorten(name)));
        if (!kind.test().equals(test)) {
            throw new IllegalArgumentException(name + ": test must be " + kind.test() + ", not " + shorten(test));
        }
        if (!kind.unit().equals(unit)) {
            throw new IllegalArgumentException(name + ": unit must be " + kind.unit() + ", not " + shorten(unit));
        }
        if (kind.higherIsBetter() != higherIsBetter) {
            throw new IllegalArgumentException(name + ": higher_is_better must be " + kind.higherIsBetter());
        }
        if (!Double.isFinite(value) || value < 0 || value >= MAX_VALUE) {
            throw new IllegalArgumentException(name + ": value must be a finite number in 0.." + MAX_VALUE + ", not "
                    + value);
        }
    }

    /** The figure's kind (known by construction). */
    public FigureKind kind() {
        return FigureKind.byName(name).orElseThrow();
    }

    static String shorten(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= 40 ? "\"" + text + "\"" : "\"" + text.substring(0, 40) + "…\"";
    }
}
