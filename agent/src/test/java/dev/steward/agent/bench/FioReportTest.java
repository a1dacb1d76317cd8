package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FioReportTest {

    private static final double MIB = 1 << 20;

    private static FioTest test(String name) {
        return BenchmarkProfile.QUICK.fioTests().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void randomWriteHasWriteFiguresWithClatPercentilesInMicroseconds() {
        FioReport report = FioReport.parse(Fixtures.read(Fixtures.FIO_RANDWRITE));

        assertThat(report.version()).isEqualTo("fio-3.33");
        assertThat(report.directions()).singleElement().satisfies(d -> {
            assertThat(d.direction()).isEqualTo("write");
            assertThat(d.iops()).isCloseTo(69130.801688, within(1e-6));
            assertThat(d.mibPerSecond()).isCloseTo(283159763 / MIB, within(1e-9));
            assertThat(d.p50Micros()).isEqualTo(1.848);
            assertThat(d.p95Micros()).isEqualTo(2.024);
            assertThat(d.p99Micros()).isEqualTo(2.320);
        });
        List<Figure> figures = report.figures(test("disk_randwrite"));
        assertThat(figures).extracting(Figure::name).containsExactly("disk_randwrite_iops", "disk_randwrite_bandwidth",
                "disk_randwrite_latency_p50", "disk_randwrite_latency_p95", "disk_randwrite_latency_p99");
        assertThat(figures).extracting(Figure::unit).containsExactly("IOPS", "MiB/s", "us", "us", "us");
        assertThat(figures).extracting(Figure::higherIsBetter).containsExactly(true, true, false, false, false);
        assertThat(figures).allSatisfy(f -> assertThat(f.test()).isEqualTo("disk_randwrite"));
    }

    @Test
    void randomReadHasReadFigures() {
        FioReport report = FioReport.parse(Fixtures.read(Fixtures.FIO_RANDREAD));

        assertThat(report.directions()).singleElement().satisfies(d -> {
            assertThat(d.direction()).isEqualTo("read");
            assertThat(d.iops()).isCloseTo(9209.668353, within(1e-6));
            assertThat(d.mibPerSecond()).isCloseTo(37722801 / MIB, within(1e-9));
            assertThat(d.p50Micros()).isEqualTo(4177.920);
            assertThat(d.p95Micros()).isEqualTo(18219.008);
            assertThat(d.p99Micros()).isEqualTo(25559.040);
        });
        assertThat(report.figures(test("disk_randread"))).extracting(Figure::name).containsExactly("disk_randread_iops",
                "disk_randread_bandwidth", "disk_randread_latency_p50", "disk_randread_latency_p95",
                "disk_randread_latency_p99");
    }

    @Test
    void mixedTestNamesTheDirectionAndHasNoLatencyBecauseOfGtodReduce() {
        FioReport report = FioReport.parse(Fixtures.read(Fixtures.FIO_RANDRW));

        assertThat(report.directions()).extracting(FioReport.Direction::direction).containsExactly("read", "write");
        assertThat(report.directions()).allSatisfy(d -> assertThat(d.p50Micros()).isNull());
        List<Figure> figures = report.figures(test("disk_randrw"));
        assertThat(figures).extracting(Figure::name).containsExactly("disk_randrw_read_iops",
                "disk_randrw_read_bandwidth", "disk_randrw_write_iops", "disk_randrw_write_bandwidth");
        assertThat(figures.get(0).value()).isCloseTo(17112.359551, within(1e-6));
        assertThat(figures.get(3).value()).isCloseTo(24161797 / MIB, within(1e-9));
        // 75/25: reads are about three times the writes.
        assertThat(figures.get(0).value() / figures.get(2).value()).isBetween(2.0, 4.5);
    }

    @Test
    void jobsWithoutGroupReportingAreSummedWithoutPercentiles() {
        String one = "{\"jobname\":\"j\",\"error\":0,\"read\":{\"total_ios\":10,\"iops\":100.5,\"bw_bytes\":1048576,"
                + "\"clat_ns\":{\"percentile\":{\"50.000000\":1000}}},\"write\":{\"total_ios\":0,\"iops\":0,\"bw_bytes\":0}}";
        FioReport report = FioReport.parse("{\"fio version\":\"fio-3.33\",\"jobs\":[" + one + "," + one + "]}");

        assertThat(report.directions()).singleElement().satisfies(d -> {
            assertThat(d.iops()).isEqualTo(201.0);
            assertThat(d.mibPerSecond()).isEqualTo(2.0);
            assertThat(d.p50Micros()).isNull();
        });
    }

    @Test
    void aJobErrorIsAFailure() {
        String json = Fixtures.read(Fixtures.FIO_RANDWRITE).replaceFirst("\"error\" : 0", "\"error\" : 28");

        assertThatThrownBy(() -> FioReport.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("randwrite failed with error 28");
    }

    @Test
    void textThatIsNotFioJsonIsRejected() {
        assertThatThrownBy(() -> FioReport.parse("fio: failed parsing directory=/nonexistent/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> FioReport.parse("{\"fio version\":\"fio-3.33\",\"jobs\":[]}"))
                .hasMessageContaining("no jobs");
        assertThatThrownBy(() -> FioReport.parse(
                "{\"jobs\":[{\"jobname\":\"j\",\"error\":0,\"read\":{\"total_ios\":0},\"write\":{\"total_ios\":0}}]}"))
                .hasMessageContaining("no I/O");
    }
}
