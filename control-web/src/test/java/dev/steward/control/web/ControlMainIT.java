package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.common.config.ConfigException;
import dev.steward.control.store.TaskScheduler;
import dev.steward.control.store.WindowExecutor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ControlMainIT {

    @TempDir
    Path dir;

    @Test
    void start_embedded_healthzAndOpenApi_thenStop() throws Exception {
        Path file = Files.writeString(dir.resolve("control.toml"), """
                [server]
                listen = "127.0.0.1:0"
                [database]
                embedded_directory = "data"
                [provider]
                domain = "hosting.example"
                """);
        try (ControlMain main = new ControlMain(ControlConfig.load(file)).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + main.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"ok\"");
            HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + main.port() + "/api/v1/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(openApi.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + main.port() + "/api/v1/nothing-here")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isIn(401, 404);
        }
        assertThat(Files.exists(dir.resolve("data/steward.mv.db"))).isTrue();
    }

    @Test
    void start_runsTheMaintenanceScheduler_whichMaterialisesTheComingWindows_andStopsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("control.toml"), """
                [server]
                listen = "127.0.0.1:0"
                [database]
                embedded_directory = "data"
                [provider]
                domain = "hosting.example"
                [maintenance]
                weeks_ahead = 3
                scheduler_poll_interval = "100ms"
                """);
        ControlMain main = new ControlMain(ControlConfig.load(file)).start();
        try {
            Instant started = Instant.now();
            // The first poll runs the recurring materialisation at once; it re-arms itself an hour later.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (main.scheduler().dueAt(WindowExecutor.MATERIALISE, TaskScheduler.RECURRING)
                    .filter(next -> next.isAfter(started.plusSeconds(3000))).isEmpty()) {
                assertThat(System.nanoTime()).as("materialised within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            int windows = main.database().jdbi().withHandle(handle -> handle.createQuery(
                    "select count(*) from window_occurrence where kind in ('OS', 'APP')").mapTo(Integer.class).one());
            assertThat(windows).isEqualTo(3 * 2);
            assertThat(main.jobOutcomes()).isNotNull();
        } finally {
            main.close();
        }
        assertThat(main.scheduler()).as("stopped on close").isNull();
    }

    @Test
    void run_badConfig_exit78_withEveryProblem_usage64() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.toml"), "[server]\nlisten = \"nope\"\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ControlMain.run(new String[] {"--config", file.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(ConfigException.EX_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("[server] listen = \"nope\"", "[provider] domain",
                "[database]");
        assertThat(ControlMain.run(new String[] {"--config"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isEqualTo(ControlMain.EX_USAGE);
    }
}
