package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.bench.BenchmarkConfig;
import dev.steward.agent.bench.BenchmarkExecutor;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private JobRunner runner() {
        // fio and sysbench where no machine has them: the runner's part is the payload and the result
        // (the executor with the real tools is BenchmarkInteropIT's subject)
        BenchmarkConfig noTools = BenchmarkConfig.defaults().withTools(List.of(temp.resolve("no-fio").toString()),
                List.of(temp.resolve("no-sysbench").toString()));
        return new JobRunner(temp.resolve("apps"), temp.resolve("scratch"),
                new AptOsUpdateExecutor(OsUpdateConfig.builder(temp.resolve("os")).build(), Clock.systemUTC()),
                new BenchmarkExecutor(noTools, Clock.systemUTC()), Clock.systemUTC());
    }

    private static ObjectNode job(String kind, String payload) throws Exception {
        ObjectNode job = JSON.createObjectNode().put("id", "0b6f0c1e-1111-2222-3333-444455556666").put("kind", kind);
        job.set("payload", JSON.readTree(payload));
        return job;
    }

    @Test
    void benchmark_runsThePayloadsProfile_andReportsEveryTestInTheDetails() throws Exception {
        ObjectNode result = runner().run(job("benchmark", "{\"profile\": \"quick\", \"target_dir\": \""
                + temp + "\"}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");   // no fio, no sysbench here
        JsonNode details = result.path("details");
        assertThat(details.path("job_id").asText()).isEqualTo("0b6f0c1e-1111-2222-3333-444455556666");
        assertThat(details.path("profile").asText()).isEqualTo("quick");
        assertThat(details.path("target_dir").asText()).isEqualTo(temp.toString());
        assertThat(details.path("tests")).extracting(test -> test.path("name").asText())
                .contains("disk_randwrite", "disk_randread", "disk_randrw", "cpu", "memory");
        assertThat(details.path("tests")).allSatisfy(test -> assertThat(test.path("status").asText()).isNotEqualTo("succeeded"));
        assertThat(details.path("figures")).isEmpty();
    }

    @Test
    void benchmark_withAnUnknownProfile_isNotStarted() throws Exception {
        ObjectNode result = runner().run(job("benchmark", "{\"profile\": \"ludicrous\"}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("details").path("started").asBoolean()).isFalse();
        assertThat(result.path("details").path("reason").asText()).contains("unknown benchmark profile 'ludicrous'");
    }

    @Test
    void appUpdate_withoutARecipe_failsWithTheExpectedFile() throws Exception {
        ObjectNode result = runner().run(job("app_update",
                "{\"application\": \"wiki\", \"version\": \"2.0.0\", \"window_end\": \"2099-01-01T00:00:00Z\"}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("details").path("reason").asText())
                .contains("no recipe for application \"wiki\"").contains(temp.resolve("apps/wiki.toml").toString());
    }

    @Test
    void osUpdate_whenOsUpdatesAreOff_failsWithoutRunningApt() throws Exception {
        JobRunner off = new JobRunner(temp.resolve("apps"), temp.resolve("scratch"),
                new AptOsUpdateExecutor(OsUpdateConfig.builder(temp.resolve("os")).build(), Clock.systemUTC()),
                new BenchmarkExecutor(BenchmarkConfig.defaults(), Clock.systemUTC()), Clock.systemUTC(), false);

        ObjectNode result = off.run(job("os_update", "{\"window_end\": \"2099-01-01T00:00:00Z\"}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("details").path("started").asBoolean()).isFalse();
        assertThat(result.path("details").path("reason").asText()).contains("os_updates = \"off\"");
        assertThat(temp.resolve("os")).doesNotExist();
    }

    @Test
    void osUpdate_withoutAWindow_isNotStarted() throws Exception {
        ObjectNode result = runner().run(job("os_update", "{}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("details").path("reason").asText()).contains("window_end");
    }

    @Test
    void anOversizedResult_isCutBelowTheApiLimit() {
        ObjectNode body = JSON.createObjectNode().put("status", "failed").put("duration_seconds", 3);
        ObjectNode details = body.putObject("details").put("reason", "update failed");
        details.putObject("update").put("output_tail", "x".repeat(8192));
        details.putObject("rollback").put("output_tail", "y".repeat(8192)).put("other", "z".repeat(8000));

        ObjectNode bounded = JobRunner.bounded(body);

        assertThat(bounded.toString().length()).isLessThanOrEqualTo(JobRunner.MAX_RESULT_CHARS);
        assertThat(bounded.path("details").path("update").path("output_tail").asText()).hasSize(1001).endsWith("xxx");
        assertThat(bounded.path("details").path("reason").asText()).isEqualTo("update failed");
    }
}
