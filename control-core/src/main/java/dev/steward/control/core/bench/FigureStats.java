package dev.steward.control.core.bench;

import java.time.Instant;

/**
 * One figure over the servers of one package: how many servers, median, spread and when the
 * newest of the runs was measured.
 *
 * <p>Thread safety: immutable.
 *
 * @param servers how many servers' latest full runs have this figure (at least 1)
 * @param p10 the 10th percentile (linear interpolation between the closest ranks)
 * @param p90 the 90th percentile
 * @param lastMeasured the newest run among them
 */
public record FigureStats(FigureKind kind, int servers, double median, double min, double max, double p10,
                          double p90, Instant lastMeasured) {
}
