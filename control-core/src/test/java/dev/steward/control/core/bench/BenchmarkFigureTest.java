package dev.steward.control.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchmarkFigureTest {

    @Test
    void aKnownFigure_isAccepted() {
        BenchmarkFigure figure = new BenchmarkFigure("network_time_to_first_byte", "network", "ms", 0.0, false);
        assertThat(figure.kind()).isEqualTo(FigureKind.NETWORK_TIME_TO_FIRST_BYTE);
        assertThat(FigureKind.byName("disk_randrw_write_latency_p99")).contains(FigureKind.DISK_RANDRW_WRITE_LATENCY_P99);
    }

    @Test
    void garbage_isRefused_withTheReason() {
        assertThatThrownBy(() -> new BenchmarkFigure("disk_randwrite_iopz", "disk_randwrite", "IOPS", 1, true))
                .hasMessageContaining("unknown figure name \"disk_randwrite_iopz\"");
        assertThatThrownBy(() -> new BenchmarkFigure("disk_randwrite_iops", "disk_randwrite", "MiB/s", 1, true))
                .hasMessageContaining("unit must be IOPS");
        assertThatThrownBy(() -> new BenchmarkFigure("disk_randwrite_iops", "cpu", "IOPS", 1, true))
                .hasMessageContaining("test must be disk_randwrite");
        assertThatThrownBy(() -> new BenchmarkFigure("disk_randwrite_iops", "disk_randwrite", "IOPS", 1, false))
                .hasMessageContaining("higher_is_better must be true");
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 1e12}) {
            assertThatThrownBy(() -> new BenchmarkFigure("cpu_latency_avg", "cpu", "ms", bad, false))
                    .as("value " + bad).hasMessageContaining("value must be a finite number");
        }
        assertThatThrownBy(() -> new BenchmarkFigure("x".repeat(1000), "cpu", "ms", 1, false))
                .hasMessageContaining("…");
    }

    @Test
    void profiles_haveTheirWireForm() {
        assertThat(BenchProfile.fromCode("quick")).isEqualTo(BenchProfile.QUICK);
        assertThat(BenchProfile.FULL.code()).isEqualTo("full");
        assertThatThrownBy(() -> BenchProfile.fromCode("FULL")).hasMessageContaining("full or quick");
    }
}
