package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.agent.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor with stand-ins for fio and sysbench that print real outputs ({@link StandInTools}). */
class BenchmarkExecutorTest {

    @TempDir
    Path dir;

    private StandInTools tools;
    private Path target;

    @BeforeEach
    void setUp() throws IOException {
        tools = new StandInTools(Files.createDirectory(dir.resolve("tools")));
        target = Files.createDirectory(dir.resolve("target"));
    }

    private BenchmarkJob job(String url) {
        return new BenchmarkJob("job-1", BenchmarkProfile.QUICK, target.toString(), url, 2);
    }

    @Test
    void runsTheProfileAndCollectsEveryFigure() throws IOException {
        List<String> events = new ArrayList<>();
        BenchmarkProgress progress = new BenchmarkProgress() {
            @Override
            public void started(int index, int count, String test, String description) {
                events.add(index + "/" + count + " " + test);
            }

            @Override
            public void finished(TestRun run, List<Figure> figures) {
                events.add(run.name() + " " + run.status().wire() + " " + figures.size());
            }
        };

        BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC()).run(job(null), progress);

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(events).containsExactly("1/6 disk_randwrite", "disk_randwrite succeeded 5", "2/6 disk_randread",
                "disk_randread succeeded 5", "3/6 disk_randrw", "disk_randrw succeeded 4", "4/6 cpu",
                "cpu succeeded 3", "5/6 memory", "memory succeeded 2", "6/6 network", "network skipped 0");
        assertThat(result.details().figures()).extracting(Figure::name).containsExactly(
                "disk_randwrite_iops", "disk_randwrite_bandwidth", "disk_randwrite_latency_p50",
                "disk_randwrite_latency_p95", "disk_randwrite_latency_p99",
                "disk_randread_iops", "disk_randread_bandwidth", "disk_randread_latency_p50",
                "disk_randread_latency_p95", "disk_randread_latency_p99",
                "disk_randrw_read_iops", "disk_randrw_read_bandwidth", "disk_randrw_write_iops",
                "disk_randrw_write_bandwidth",
                "cpu_events_per_second", "cpu_latency_avg", "cpu_latency_p95",
                "memory_write_bandwidth", "memory_write_operations_per_second");
        assertThat(result.figure("cpu_events_per_second")).get().extracting(Figure::value).isEqualTo(743.47);
        assertThat(result.details().tools()).containsEntry("fio", "fio-3.33").containsEntry("sysbench", "sysbench 1.0.20");
        assertThat(result.details().threads()).isEqualTo(2);

        // fio got the seed's arguments, after --directory in a temporary directory inside the target ...
        List<String> calls = Files.readAllLines(tools.fioCalls);
        List<String> argumentLines = calls.stream().filter(l -> l.startsWith("--directory=")).toList();
        assertThat(argumentLines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String expected = String.join(" ", BenchmarkProfile.QUICK.fioTests().get(i).arguments());
            assertThat(argumentLines.get(i)).startsWith("--directory=" + target.resolve("steward-bench-"))
                    .contains(" " + expected + " --output-format=json --output=");
        }
        assertThat(calls.stream().filter(l -> l.startsWith("dir " + target))).hasSize(3);
        // ... which is gone afterwards, with the files fio made in it.
        try (Stream<Path> left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
        assertThat(Files.readAllLines(tools.dir.resolve("sysbench.calls"))).containsExactly(
                String.join(" ", BenchmarkProfile.QUICK.sysbenchCpu(2)),
                String.join(" ", BenchmarkProfile.QUICK.sysbenchMemory(2)));
    }

    @Test
    void detailsAreSnakeCaseJsonWithAggregatableFigures() {
        BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC()).run(job(null));

        JsonNode json = result.detailsJson();
        assertThat(json.path("job_id").asText()).isEqualTo("job-1");
        assertThat(json.path("profile").asText()).isEqualTo("quick");
        assertThat(json.path("target_dir").asText()).isEqualTo(target.toString());
        assertThat(json.path("network_url").isNull()).isTrue();
        assertThat(json.path("tools").path("fio").asText()).isEqualTo("fio-3.33");
        assertThat(json.has("started_at") && json.has("finished_at") && json.has("duration_seconds")).isTrue();
        JsonNode figure = json.path("figures").get(0);
        assertThat(figure.path("name").asText()).isEqualTo("disk_randwrite_iops");
        assertThat(figure.path("test").asText()).isEqualTo("disk_randwrite");
        assertThat(figure.path("unit").asText()).isEqualTo("IOPS");
        assertThat(figure.path("value").isNumber()).isTrue();
        assertThat(figure.path("higher_is_better").asBoolean()).isTrue();
        JsonNode network = json.path("tests").get(5);
        assertThat(network.path("status").asText()).isEqualTo("skipped");
        assertThat(network.path("output_tail").isArray()).isTrue();
    }

    @Test
    void theNetworkTestDownloadsFromTheJobsUrl() throws IOException {
        try (DownloadServer server = new DownloadServer()) {
            BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC())
                    .run(job(server.url("/mib/8")));

            assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.figure("network_download_bandwidth")).get().extracting(Figure::value)
                    .satisfies(v -> assertThat((double) v).isPositive());
            assertThat(result.details().tests().get(5).description()).contains("8 MiB");
        }
    }

    @Test
    void aFailingNetworkTestFailsTheJobButKeepsTheOtherFigures() throws IOException {
        try (DownloadServer server = new DownloadServer()) {
            BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC())
                    .run(job(server.url("/nothing-here")));

            assertThat(result.status()).isEqualTo(JobStatus.FAILED);
            assertThat(result.details().tests().get(5).error()).contains("404");
            assertThat(result.details().figures()).hasSize(19);
        }
    }

    @Test
    void aMissingFioFailsItsTestsWithTheInstallCommandAndSysbenchStillRuns() {
        BenchmarkConfig config = tools.config().withTools(List.of(dir.resolve("no-such-fio").toString()),
                List.of(tools.sysbench.toString()));

        BenchmarkResult result = new BenchmarkExecutor(config, Clock.systemUTC()).run(job(null));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().tests().subList(0, 3)).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo(TestRun.Status.FAILED);
            assertThat(run.error()).contains("apt-get install fio");
        });
        assertThat(result.details().tools()).doesNotContainKey("fio");
        assertThat(result.details().figures()).extracting(Figure::test).containsOnly("cpu", "memory");
    }

    @Test
    void aFailingFioReportsItsOutputAndCleansUp() throws IOException {
        Files.writeString(tools.dir.resolve("fio.exit"), "1");

        BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC()).run(job(null));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        TestRun first = result.details().tests().get(0);
        assertThat(first.error()).isEqualTo("fio exited with 1");
        assertThat(first.outputTail()).containsExactly("fio: something went wrong");
        assertThat(first.command().get(0)).isEqualTo(tools.fio.toString());
        try (Stream<Path> left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aHangingFioIsKilledAtItsDeadline() throws IOException {
        Files.writeString(tools.dir.resolve("fio.hang"), "");
        long start = System.nanoTime();

        BenchmarkResult result = new BenchmarkExecutor(tools.config().withTimeoutCap(Duration.ofSeconds(1)),
                Clock.systemUTC()).run(job(null));

        assertThat(result.details().tests().subList(0, 3)).allSatisfy(run -> {
            assertThat(run.error()).isEqualTo("fio was killed after 1 s");
            assertThat(run.outputTail()).containsExactly("fio: hanging");
        });
        assertThat(result.details().tests().get(3).status()).isEqualTo(TestRun.Status.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        try (Stream<Path> left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aTestThatWouldLeaveTooLittleDiskFreeIsNotRun() {
        BenchmarkConfig config = tools.config().withDiskReserve(Long.MAX_VALUE / 2);

        BenchmarkResult result = new BenchmarkExecutor(config, Clock.systemUTC()).run(job(null));

        assertThat(result.details().tests().subList(0, 3)).allSatisfy(run ->
                assertThat(run.error()).startsWith("not enough free space in " + target));
        assertThat(Files.exists(tools.fioCalls)).as("fio never ran").isFalse();
        assertThat(result.details().figures()).extracting(Figure::test).containsOnly("cpu", "memory");
    }

    @Test
    void aMissingTargetDirectoryFailsTheDiskTestsOnly() {
        BenchmarkJob job = new BenchmarkJob("job-2", BenchmarkProfile.QUICK, dir.resolve("absent").toString(), null, 1);

        BenchmarkResult result = new BenchmarkExecutor(tools.config(), Clock.systemUTC()).run(job);

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().tests().get(0).error()).isEqualTo("the target directory " + dir.resolve("absent") + " does not exist (or is not a directory)");
        assertThat(result.details().tests().get(3).status()).isEqualTo(TestRun.Status.SUCCEEDED);
    }

    @Test
    void jobParametersFromJson() throws IOException {
        BenchmarkJob job = new ObjectMapper().readValue("""
                {"job_id": "j-7", "profile": "quick", "target_dir": "/srv", "network_url": "https://cp/bench", "threads": 4}
                """, BenchmarkJob.class);
        assertThat(job).isEqualTo(new BenchmarkJob("j-7", BenchmarkProfile.QUICK, "/srv", "https://cp/bench", 4));

        BenchmarkJob defaults = new ObjectMapper().readValue("{\"job_id\": \"j-8\"}", BenchmarkJob.class);
        assertThat(defaults.profile()).isEqualTo(BenchmarkProfile.FULL);
        assertThat(defaults.targetDir()).isEqualTo("/var/tmp");
        assertThat(defaults.networkUrl()).isNull();
        assertThat(defaults.effectiveThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
