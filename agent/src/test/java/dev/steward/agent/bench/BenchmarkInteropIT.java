package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.agent.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quick profile for real: Debian's fio and sysbench on this machine, in a directory under
 * {@code target/} (on disk, never a tmpfs: the mixed test's {@code --direct=1} needs O_DIRECT), and
 * the network test against a loopback {@link DownloadServer}. Checks that every figure is there,
 * positive and within sane bounds, and that nothing is left on disk.
 *
 * <p>Interop tier because fio and sysbench are not on a default Debian system; {@code make interop}
 * installs them through scripts/install-peers. A missing tool fails the test with the install
 * command; it never skips.
 */
class BenchmarkInteropIT {

    @BeforeAll
    static void toolsInstalled() throws Exception {
        for (String tool : List.of("fio", "sysbench")) {
            Process which = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
            assertThat(which.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(which.exitValue())
                    .as("%s is not installed: run scripts/install-peers (or apt-get install fio sysbench)", tool)
                    .isZero();
        }
    }

    @Test
    void quickProfileMeasuresThisMachine() throws IOException {
        // target/ is on the build's disk; java.io.tmpdir may be a tmpfs.
        Path target = Files.createTempDirectory(Files.createDirectories(Path.of("target", "bench-it")), "run-")
                .toAbsolutePath();
        BenchmarkResult result;
        try (DownloadServer server = new DownloadServer()) {
            BenchmarkJob job = new BenchmarkJob("it-1", BenchmarkProfile.QUICK, target.toString(), server.url("/mib/64"), 0);
            long start = System.nanoTime();
            result = new BenchmarkExecutor(BenchmarkConfig.defaults().withDiskReserve(64L << 20), Clock.systemUTC())
                    .run(job);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(3));
        }

        assertThat(result.status()).as(result::detailsText).isEqualTo(JobStatus.SUCCEEDED);
        BenchmarkDetails details = result.details();
        assertThat(details.tools().get("fio")).matches("fio-3\\.[0-9.]+");
        assertThat(details.tools().get("sysbench")).matches("sysbench 1\\.[0-9.]+.*");
        assertThat(details.tests()).extracting(TestRun::status).containsOnly(TestRun.Status.SUCCEEDED);
        assertThat(details.figures()).extracting(Figure::name).contains("disk_randwrite_iops",
                "disk_randwrite_bandwidth", "disk_randwrite_latency_p99", "disk_randread_iops",
                "disk_randread_latency_p50", "disk_randrw_read_iops", "disk_randrw_write_iops", "cpu_events_per_second",
                "memory_write_bandwidth", "network_download_bandwidth", "network_time_to_first_byte");
        assertThat(details.figures()).allSatisfy(f -> assertThat(f.value()).as(f.name()).isPositive());

        // Sane: 4 KiB blocks, so IOPS × 4 KiB ≈ bandwidth; percentiles in order; rates a computer can reach.
        for (String test : List.of("disk_randwrite", "disk_randread")) {
            double iops = value(result, test + "_iops");
            double mib = value(result, test + "_bandwidth");
            assertThat(mib).as(test).isCloseTo(iops * 4096 / (1 << 20), org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(iops).as(test).isLessThan(50_000_000);
            assertThat(value(result, test + "_latency_p50")).isLessThanOrEqualTo(value(result, test + "_latency_p95"));
            assertThat(value(result, test + "_latency_p95")).isLessThanOrEqualTo(value(result, test + "_latency_p99"));
        }
        assertThat(value(result, "disk_randrw_read_iops") / value(result, "disk_randrw_write_iops")).isBetween(1.5, 6.0);
        assertThat(value(result, "cpu_events_per_second")).isBetween(1.0, 10_000_000.0);
        assertThat(value(result, "memory_write_bandwidth")).isBetween(1.0, 10_000_000.0);
        assertThat(value(result, "network_download_bandwidth")).isBetween(1.0, 1_000_000.0);
        assertThat(details.tests().get(5).description()).contains("64 MiB");

        try (Stream<Path> left = Files.list(target)) {
            assertThat(left).as("fio's files are removed").isEmpty();
        }
        Files.delete(target);
    }

    private static double value(BenchmarkResult result, String name) {
        return result.figure(name).orElseThrow(() -> new AssertionError("no figure " + name)).value();
    }
}
