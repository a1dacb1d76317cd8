package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SysbenchReportTest {

    @Test
    void cpuReport() {
        SysbenchReport report = SysbenchReport.parse(Fixtures.read(Fixtures.SYSBENCH_CPU));

        assertThat(report.version()).isEqualTo("sysbench 1.0.20");
        assertThat(report.eventsPerSecond()).isEqualTo(743.47);
        assertThat(report.totalSeconds()).isEqualTo(2.0091);
        assertThat(report.events()).isEqualTo(1495);
        assertThat(report.latencyAvgMillis()).isEqualTo(2.62);
        assertThat(report.latencyP95Millis()).isEqualTo(19.29);
        assertThat(report.mibPerSecond()).isNaN();
        assertThat(report.cpuFigures()).extracting(Figure::name, Figure::unit, Figure::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("cpu_events_per_second", "events/s", 743.47),
                org.assertj.core.groups.Tuple.tuple("cpu_latency_avg", "ms", 2.62),
                org.assertj.core.groups.Tuple.tuple("cpu_latency_p95", "ms", 19.29));
        assertThatThrownBy(report::memoryFigures).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void memoryReport() {
        SysbenchReport report = SysbenchReport.parse(Fixtures.read(Fixtures.SYSBENCH_MEMORY));

        assertThat(report.version()).isEqualTo("sysbench 1.0.20");
        assertThat(report.mibPerSecond()).isEqualTo(1429.68);
        assertThat(report.operationsPerSecond()).isEqualTo(1463994.60);
        assertThat(report.events()).isEqualTo(2972561);
        assertThat(report.latencyAvgMillis()).isEqualTo(0.0);
        assertThat(report.eventsPerSecond()).isNaN();
        assertThat(report.memoryFigures()).extracting(Figure::name, Figure::unit, Figure::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("memory_write_bandwidth", "MiB/s", 1429.68),
                org.assertj.core.groups.Tuple.tuple("memory_write_operations_per_second", "ops/s", 1463994.60));
        assertThatThrownBy(report::cpuFigures).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOptionErrorIsNotAReport() {
        String output = "sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)\n\n"
                + "Invalid value for the 'cpu_max_prime' option: 'abc'\n";

        assertThatThrownBy(() -> SysbenchReport.parse(output)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("total time").hasMessageContaining("Invalid value for the 'cpu_max_prime'");
    }

    @Test
    void aReportCutBeforeItsFiguresIsRejected() {
        String cpu = Fixtures.read(Fixtures.SYSBENCH_CPU).replaceFirst("events per second:", "events:");

        assertThatThrownBy(() -> SysbenchReport.parse(cpu)).hasMessageContaining("events per second");
    }
}
