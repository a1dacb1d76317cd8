package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.common.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
