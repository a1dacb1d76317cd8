package dev.steward.control.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.control.core.catalogue.Tier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkAggregationTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private static BenchmarkRun run(String job, long server, long application, Tier tier, BenchProfile profile,
                                    long minutes, double iops) {
        return new BenchmarkRun(job, server, application, tier, profile, T0.plusSeconds(minutes * 60),
                List.of(new BenchmarkFigure("disk_randwrite_iops", "disk_randwrite", "IOPS", iops, true)));
    }

    private static FigureStats iops(PackageBenchmarks p) {
        return p.figure(FigureKind.DISK_RANDWRITE_IOPS);
    }

    @Test
    void medianOfAnEvenCount_isTheMeanOfTheMiddleTwo() {
        List<PackageBenchmarks> result = BenchmarkAggregation.aggregate(List.of(
                run("a", 1, 7, Tier.STANDARD, BenchProfile.FULL, 0, 100),
                run("b", 2, 7, Tier.STANDARD, BenchProfile.FULL, 0, 400),
                run("c", 3, 7, Tier.STANDARD, BenchProfile.FULL, 0, 200),
                run("d", 4, 7, Tier.STANDARD, BenchProfile.FULL, 0, 300)));
        assertThat(result).hasSize(1);
        FigureStats stats = iops(result.getFirst());
        assertThat(stats.servers()).isEqualTo(4);
        assertThat(stats.median()).isEqualTo(250.0);
        assertThat(stats.min()).isEqualTo(100.0);
        assertThat(stats.max()).isEqualTo(400.0);
        // index (n-1)·q = 0.3 → 100 + 0.3·100; 2.7 → 300 + 0.7·100.
        assertThat(stats.p10()).isCloseTo(130.0, within(1e-9));
        assertThat(stats.p90()).isCloseTo(370.0, within(1e-9));
        assertThat(stats.lastMeasured()).isEqualTo(T0);
    }

    @Test
    void medianOfAnOddCount_isTheMiddleValue_andOneServerIsItsOwnSpread() {
        FigureStats three = iops(BenchmarkAggregation.aggregate(List.of(
                run("a", 1, 7, Tier.PLUS, BenchProfile.FULL, 0, 9),
                run("b", 2, 7, Tier.PLUS, BenchProfile.FULL, 0, 1),
                run("c", 3, 7, Tier.PLUS, BenchProfile.FULL, 0, 5))).getFirst());
        assertThat(three.median()).isEqualTo(5.0);
        FigureStats one = iops(BenchmarkAggregation.aggregate(List.of(
                run("a", 1, 7, Tier.PLUS, BenchProfile.FULL, 0, 42))).getFirst());
        assertThat(List.of(one.median(), one.min(), one.max(), one.p10(), one.p90())).containsOnly(42.0);
    }

    @Test
    void quickRuns_neverCount_evenWhenNewer_andAServerWithOnlyQuickRunsIsLeftOut() {
        List<PackageBenchmarks> result = BenchmarkAggregation.aggregate(List.of(
                run("a", 1, 7, Tier.STANDARD, BenchProfile.FULL, 0, 100),
                run("b", 1, 7, Tier.STANDARD, BenchProfile.QUICK, 10, 99_999),
                run("c", 2, 7, Tier.STANDARD, BenchProfile.QUICK, 10, 88_888)));
        assertThat(result).hasSize(1);
        assertThat(result.getFirst().servers()).isEqualTo(1);
        assertThat(iops(result.getFirst()).max()).isEqualTo(100.0);
        assertThat(BenchmarkAggregation.aggregate(List.of(run("q", 1, 7, Tier.STANDARD, BenchProfile.QUICK, 0, 1))))
                .isEmpty();
    }

    @Test
    void onlyEachServersLatestFullRunCounts_tiesByJobId() {
        List<PackageBenchmarks> result = BenchmarkAggregation.aggregate(List.of(
                run("old", 1, 7, Tier.STANDARD, BenchProfile.FULL, 0, 10),
                run("new", 1, 7, Tier.STANDARD, BenchProfile.FULL, 60, 20),
                run("x1", 2, 7, Tier.STANDARD, BenchProfile.FULL, 30, 1000),
                run("x2", 2, 7, Tier.STANDARD, BenchProfile.FULL, 30, 3000)));
        FigureStats stats = iops(result.getFirst());
        assertThat(stats.servers()).isEqualTo(2);
        assertThat(stats.min()).isEqualTo(20.0);
        assertThat(stats.max()).isEqualTo(3000.0); // x2 > x1 at the same instant
        assertThat(stats.lastMeasured()).isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void packagesAreSeparate_perApplicationAndTier_inOrder() {
        List<PackageBenchmarks> result = BenchmarkAggregation.aggregate(List.of(
                run("a", 1, 8, Tier.PLUS, BenchProfile.FULL, 0, 1),
                run("b", 2, 8, Tier.STANDARD, BenchProfile.FULL, 0, 2),
                run("c", 3, 7, Tier.PLUS, BenchProfile.FULL, 0, 3)));
        assertThat(result).extracting(p -> p.applicationId() + ":" + p.tier())
                .containsExactly("7:PLUS", "8:STANDARD", "8:PLUS");
        assertThat(result).extracting(p -> iops(p).median()).containsExactly(3.0, 2.0, 1.0);
        assertThat(result.getFirst().figure(FigureKind.CPU_EVENTS_PER_SECOND)).isNull();
    }

    @Test
    void percentile_refusesNothingToAggregate() {
        assertThatThrownBy(() -> BenchmarkAggregation.percentile(new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchmarkAggregation.percentile(new double[] {1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
