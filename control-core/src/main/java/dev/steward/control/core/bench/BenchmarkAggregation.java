package dev.steward.control.core.bench;

import dev.steward.control.core.catalogue.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the specifications page publishes (SPEC-2 "published per package"): per application and
 * package (tier), each figure over the servers' <em>latest full-profile run</em>: count, median,
 * min, max, p10 and p90.
 *
 * <p>Rules: quick-profile runs never count (their small files measure caches); of each server
 * only its newest full run counts (newest {@code measuredAt}, ties broken by the larger job id),
 * so a server measured ten times weighs as much as one measured once; the run counts for the
 * package the server had when it ran. Percentiles interpolate linearly between the closest ranks
 * (the median of an even count is the mean of the middle two).
 *
 * <p>Thread safety: stateless.
 */
public final class BenchmarkAggregation {

    private BenchmarkAggregation() {
    }

    /**
     * @param runs any runs (quick ones and older ones are left out here)
     * @return one entry per application and tier with at least one latest full run, by
     *     application id and tier
     */
    public static List<PackageBenchmarks> aggregate(List<BenchmarkRun> runs) {
        Map<Long, BenchmarkRun> latest = latestFullPerServer(runs);
        record Key(long applicationId, Tier tier) {
        }
        Map<Key, List<BenchmarkRun>> byPackage = new TreeMap<>(Comparator.comparingLong(Key::applicationId)
                .thenComparing(Key::tier));
        for (BenchmarkRun run : latest.values()) {
            byPackage.computeIfAbsent(new Key(run.applicationId(), run.tier()), k -> new ArrayList<>()).add(run);
        }
        List<PackageBenchmarks> result = new ArrayList<>();
        byPackage.forEach((key, packageRuns) -> result.add(
                new PackageBenchmarks(key.applicationId(), key.tier(), packageRuns.size(), stats(packageRuns))));
        return List.copyOf(result);
    }

    /** Each server's newest full run. */
    static Map<Long, BenchmarkRun> latestFullPerServer(List<BenchmarkRun> runs) {
        Comparator<BenchmarkRun> newer = Comparator.comparing(BenchmarkRun::measuredAt)
                .thenComparing(BenchmarkRun::jobId);
        Map<Long, BenchmarkRun> latest = new HashMap<>();
        for (BenchmarkRun run : runs) {
            if (run.profile() != BenchProfile.FULL) {
                continue;
            }
            latest.merge(run.serverId(), run, (a, b) -> newer.compare(a, b) >= 0 ? a : b);
        }
        return latest;
    }

    private static List<FigureStats> stats(List<BenchmarkRun> runs) {
        Map<FigureKind, List<Double>> values = new EnumMap<>(FigureKind.class);
        Map<FigureKind, Instant> last = new EnumMap<>(FigureKind.class);
        for (BenchmarkRun run : runs) {
            for (BenchmarkFigure figure : run.figures()) {
                values.computeIfAbsent(figure.kind(), k -> new ArrayList<>()).add(figure.value());
                last.merge(figure.kind(), run.measuredAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        List<FigureStats> stats = new ArrayList<>();
        values.forEach((kind, list) -> {
            double[] sorted = list.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            stats.add(new FigureStats(kind, sorted.length, percentile(sorted, 0.5), sorted[0],
                    sorted[sorted.length - 1], percentile(sorted, 0.1), percentile(sorted, 0.9), last.get(kind)));
        });
        return stats;
    }

    /**
     * The {@code q} quantile of sorted values, interpolating linearly between the closest ranks
     * (R-7, the spreadsheet default): {@code (n-1)·q} is the fractional index.
     *
     * @param sorted ascending, not empty
     * @param q 0..1
     */
    public static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q must be in 0..1: " + q);
        }
        double index = (sorted.length - 1) * q;
        int low = (int) Math.floor(index);
        int high = (int) Math.ceil(index);
        return sorted[low] + (sorted[high] - sorted[low]) * (index - low);
    }
}
