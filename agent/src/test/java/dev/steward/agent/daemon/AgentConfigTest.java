package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void minimal_takesTheDocumentedDefaults() throws Exception {
        AgentConfig config = AgentConfig.parse("agent.toml", """
                [control]
                url = "https://control.hosting.example/"
                """);

        assertThat(config.controlUrl()).isEqualTo(URI.create("https://control.hosting.example"));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.pollWait()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.rotateInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.stateDirectory()).isEqualTo(Path.of("/var/lib/steward/agent"));
        assertThat(config.relayConfig()).isEqualTo(Path.of("/etc/steward/relay.toml"));
        assertThat(config.recipesDirectory()).isEqualTo(Path.of("/etc/steward/apps"));
        assertThat(config.dkimDirectory()).isEqualTo(Path.of("/etc/steward/dkim"));
        assertThat(config.runRelay()).as("one process unless told otherwise").isTrue();
        assertThat(config.credentialFile()).isEqualTo(Path.of("/var/lib/steward/agent/credential.json"));
        assertThat(config.spoolDirectory()).isEqualTo(Path.of("/var/lib/steward/agent/results"));
        assertThat(config.osStateDirectory()).isEqualTo(Path.of("/var/lib/steward/agent/os"));
    }

    @Test
    void everyKey_isRead() throws Exception {
        AgentConfig config = AgentConfig.parse("agent.toml", """
                [control]
                url = "http://127.0.0.1:8080"
                heartbeat_interval = "10s"
                poll_wait = "5s"
                rotate_interval = "7d"
                request_timeout = "3s"

                [agent]
                state_directory = "/srv/agent"
                relay_config = "/srv/relay.toml"
                recipes_directory = "/srv/apps"
                dkim_directory = "/srv/dkim"
                run_relay = false
                os_updates = "off"
                """);

        assertThat(config).isEqualTo(new AgentConfig(URI.create("http://127.0.0.1:8080"), Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofSeconds(3), Path.of("/srv/agent"),
                Path.of("/srv/relay.toml"), Path.of("/srv/apps"), Path.of("/srv/dkim"), false, false));
    }

    @Test
    void plainHttp_isOnlyForLoopback() throws Exception {
        for (String url : new String[] {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}) {
            assertThat(AgentConfig.parse("agent.toml", "[control]\nurl = \"" + url + "\"\n").controlUrl())
                    .hasToString(url);
        }
        assertThatThrownBy(() -> AgentConfig.parse("agent.toml", "[control]\nurl = \"http://control.hosting.example\"\n"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::message)
                        .singleElement().asString()
                        .contains("url").contains("must be https://").contains("only for a loopback host"));
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        assertThatThrownBy(() -> AgentConfig.parse("agent.toml", """
                [control]
                heartbeat_interval = "0s"
                poll_wait = "31s"
                colour = "blue"

                [agent]
                state_directory = "relative/dir"

                [extra]
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::message)
                        .anySatisfy(m -> assertThat(m).contains("heartbeat_interval"))
                        .anySatisfy(m -> assertThat(m).contains("poll_wait"))
                        .anySatisfy(m -> assertThat(m).contains("colour"))
                        .anySatisfy(m -> assertThat(m).contains("state_directory").contains("absolute"))
                        .anySatisfy(m -> assertThat(m).contains("extra")));
    }

    @Test
    void withoutAUrl_theAgentIsNotConfigured() throws Exception {
        AgentConfig config = AgentConfig.parse("agent.toml", "[agent]\nstate_directory = \"/srv/agent\"\n");

        assertThat(config.configured()).isFalse();
        assertThat(config.controlUrl()).isNull();
    }

    @Test
    void notAUrl_isAProblem() {
        assertThatThrownBy(() -> AgentConfig.parse("agent.toml", "[control]\nurl = \"ftp://control.example\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be https://HOST");
    }
}
