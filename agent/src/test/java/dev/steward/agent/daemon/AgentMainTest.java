package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return AgentMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path configs(String relayText) throws Exception {
        Path relay = temp.resolve("relay.toml");
        Files.writeString(relay, relayText);
        Path agent = temp.resolve("agent.toml");
        Files.writeString(agent, """
                [control]
                url = "https://control.hosting.example"
                [agent]
                state_directory = "%s"
                relay_config = "%s"
                """.formatted(temp.resolve("state"), relay));
        return agent;
    }

    @Test
    void checkConfig_validatesBothFiles() throws Exception {
        Path agent = configs("""
                [intake]
                app_domains = ["app.example.test"]
                [queue]
                directory = "%s"
                """.formatted(temp.resolve("queue")));

        assertThat(run("--config", agent.toString(), "--check-config")).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(agent + ": ok").contains("relay.toml: ok");
    }

    @Test
    void checkConfig_ofTheAgentAlone_saysSo_andNeedsAControlPlane() throws Exception {
        String relay = "[intake]\napp_domains = [\"app.example.test\"]\n[queue]\ndirectory = \"%s\"\n"
                .formatted(temp.resolve("queue"));
        Path agent = configs(relay);
        Files.writeString(agent, Files.readString(agent) + "run_relay = false\n");

        assertThat(run("--config", agent.toString(), "--check-config")).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(agent + ": ok (the agent alone; the relay runs separately)");

        Files.writeString(agent, "[agent]\nrelay_config = \"" + temp.resolve("relay.toml") + "\"\nrun_relay = false\n");
        assertThat(run("--config", agent.toString(), "--check-config")).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("run_relay = false and no [control] url");
    }

    @Test
    void anInvalidRelayConfig_exits78_withTheProblem() throws Exception {
        Path agent = configs("[intake]\nlisten = [\"127.0.0.1:25\"]\n");

        assertThat(run("--config", agent.toString(), "--check-config")).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("app_domains");
    }

    @Test
    void anInvalidAgentConfig_exits78() throws Exception {
        Path agent = temp.resolve("agent.toml");
        Files.writeString(agent, "[control]\nurl = \"http://control.example\"\n");

        assertThat(run("--config", agent.toString())).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be https://");
    }

    @Test
    void enrolWithoutAControlPlane_exits78() throws Exception {
        Path agent = temp.resolve("agent.toml");
        Files.writeString(agent, "[agent]\nstate_directory = \"" + temp.resolve("state") + "\"\n");

        assertThat(run("enrol", "--config", agent.toString(), "--token", "t")).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("set [control] url");
    }

    @Test
    void enrolWithATokenFile_thatIsMissingOrEmpty_exits78() throws Exception {
        Path agent = temp.resolve("agent.toml");
        Files.writeString(agent, "[control]\nurl = \"http://127.0.0.1:9\"\n[agent]\nstate_directory = \""
                + temp.resolve("state") + "\"\n");
        assertThat(run("enrol", "--config", agent.toString(), "--token-file", temp.resolve("none").toString())).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read " + temp.resolve("none"));
        Files.writeString(temp.resolve("empty"), "\n");
        assertThat(run("enrol", "--config", agent.toString(), "--token-file", temp.resolve("empty").toString())).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(temp.resolve("empty") + " is empty");
    }

    @Test
    void usageErrors_exit64() {
        assertThat(run("enrol", "--config", "x.toml")).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--token or --token-file is required");
        assertThat(run("--force")).isEqualTo(64);
        assertThat(run("--colour")).isEqualTo(64);
        assertThat(run("--config")).isEqualTo(64);
    }
}
