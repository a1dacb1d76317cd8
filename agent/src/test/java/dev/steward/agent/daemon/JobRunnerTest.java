package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private JobRunner runner() {
        return new JobRunner(temp.resolve("apps"), temp.resolve("scratch"),
                new AptOsUpdateExecutor(OsUpdateConfig.builder(temp.resolve("os")).build(), Clock.systemUTC()),
                Clock.systemUTC());
    }

    private static ObjectNode job(String kind, String payload) throws Exception {
        ObjectNode job = JSON.createObjectNode().put("id", "0b6f0c1e-1111-2222-3333-444455556666").put("kind", kind);
        job.set("payload", JSON.readTree(payload));
        return job;
    }

    @Test
    void benchmark_isReportedFailed_notSupported() throws Exception {
        ObjectNode result = runner().run(job("benchmark", "{}")).orElseThrow();

        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("details").path("reason").asText()).contains("not supported");
        assertThat(result.path("details").path("started").asBoolean()).isFalse();
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
