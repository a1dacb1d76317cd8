package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(BenchmarkConfig config, String... args) {
        return BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), config);
    }

    @Test
    void parsesItsOptions() {
        BenchCommand.Options options = BenchCommand.Options.parse(new String[] {"--quick", "--dir", "/srv",
            "--network-url", "http://cp/x", "--threads", "3", "--json"});

        assertThat(options).isEqualTo(new BenchCommand.Options(true, "/srv", "http://cp/x", 3, true));
        BenchmarkJob job = options.job();
        assertThat(job.profile()).isEqualTo(BenchmarkProfile.QUICK);
        assertThat(job.jobId()).startsWith("manual-");
        assertThat(BenchCommand.Options.parse(new String[0]).job().profile()).isEqualTo(BenchmarkProfile.FULL);
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run(BenchmarkConfig.defaults(), "--dir")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dir needs a value").contains("usage: steward bench");
        assertThat(run(BenchmarkConfig.defaults(), "--threads", "0")).isEqualTo(2);
        assertThat(run(BenchmarkConfig.defaults(), "--fast")).isEqualTo(2);
        assertThat(out.size()).isZero();
    }

    @Test
    void helpGoesToStandardOutput() {
        assertThat(run(BenchmarkConfig.defaults(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: steward bench");
    }

    @Test
    void theLaunchersLeadingBenchIsDropped() {
        assertThat(run(BenchmarkConfig.defaults(), "bench", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: steward bench");
        assertThat(run(BenchmarkConfig.defaults(), "bench", "bench")).isEqualTo(2);
    }

    @Test
    void printsProgressToStandardErrorAndTheJsonDetailsToStandardOutput() throws IOException {
        StandInTools tools = new StandInTools(Files.createDirectory(dir.resolve("tools")));
        Path target = Files.createDirectory(dir.resolve("target"));

        int code = run(tools.config(), "--quick", "--dir", target.toString(), "--json");

        assertThat(code).isZero();
        String progress = err.toString(StandardCharsets.UTF_8);
        assertThat(progress).contains("[1/6] disk_randwrite: random write").contains("[6/6] network")
                .contains("done in").contains("743 events/s").contains("read 17112 IOPS")
                .contains("skipped: no network_url");
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.path("profile").asText()).isEqualTo("quick");
        assertThat(json.path("figures")).hasSize(19);
    }

    @Test
    void printsATableAndExitsWith1WhenATestFailed() throws IOException {
        StandInTools tools = new StandInTools(Files.createDirectory(dir.resolve("tools")));

        int code = run(tools.config(), "--quick", "--dir", dir.resolve("absent").toString());

        assertThat(code).isEqualTo(1);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).startsWith("Benchmark, quick profile (fio-3.33, sysbench 1.0.20): failed")
                .containsPattern("cpu_events_per_second +743 events/s")
                .contains("disk_randwrite: failed: the target directory " + dir.resolve("absent") + " does not exist");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILED after");
    }
}
