package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.smtp.wire.BareLf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayConfigTest {

    @TempDir
    Path temp;

    @Test
    void everyProblemIsListed_withFileKeyValueAndRule() {
        String text = """
                [server]
                hostname = "not a host"
                [intake]
                listen = ["127.0.0.1:99999", "localhost:25"]
                app_domains = []
                max_message_size = "25 parsecs"
                max_recipients = 0
                command_timeout = 30
                bare_lf = "sometimes"
                max_recipents = 5
                [queue]
                directory = "/tmp/q"
                [dkim-typo]
                selector = "x"
                """;
        assertThatThrownBy(() -> RelayConfig.parse("relay.toml", text))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .extracting(ConfigProblem::message)
                        .containsExactly(
                                "relay.toml: [server] hostname = \"not a host\": must be a host name such as \"cln042-prd-app001.example.net\"",
                                "relay.toml: [intake] listen = \"127.0.0.1:99999\": port must be a number from 0 to 65535",
                                "relay.toml: [intake] listen = \"localhost:25\": must be a numeric IPv4 or IPv6 address, not a name",
                                "relay.toml: [intake] app_domains = []: must list the app host(s) that may send, e.g. [\"app.example.com\"]",
                                "relay.toml: [intake] max_message_size = \"25 parsecs\": unknown unit \"parsecs\": use B, KB, KiB, MB, MiB, GB or GiB",
                                "relay.toml: [intake] max_recipients = 0: must be between 1 and 100000",
                                "relay.toml: [intake] command_timeout = 30: must be a quoted string with a unit, e.g. \"30s\" or \"25MiB\"",
                                "relay.toml: [intake] bare_lf = \"sometimes\": must be one of \"normalize\", \"reject\"",
                                "relay.toml: [intake] max_recipents = 5: unknown key; known keys in [intake]: listen, allowed_clients, "
                                        + "app_domains, max_message_size, max_recipients, max_line_length, max_command_length, "
                                        + "command_timeout, data_timeout, max_connections, stress_command_timeout, max_errors, max_junk_commands, bare_lf",
                                "relay.toml: [dkim-typo]: unknown section; known sections: [server], [intake], [queue], [delivery], [smarthost], [dkim], [dns], [metrics], [testing]"));
    }

    @Test
    void testingSection_refusedWithoutTheFlag_eachKeyNamed_acceptedWithIt() throws Exception {
        String text = """
                [intake]
                app_domains = ["app.example.com"]
                [testing]
                mx_port_override = 2525
                journal_segment_bytes = 65536
                """;
        String refusal = "[testing] is for tests only; the relay refuses it unless started with --allow-test-overrides";
        assertThatThrownBy(() -> RelayConfig.parse("relay.toml", text))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .extracting(ConfigProblem::message)
                        .containsExactly("relay.toml: [testing] mx_port_override = 2525: " + refusal,
                                "relay.toml: [testing] journal_segment_bytes = 65536: " + refusal));
        RelayConfig allowed = RelayConfig.parse("relay.toml", text, true);
        assertThat(allowed.mxPortOverride()).isEqualTo(2525);
        assertThat(allowed.journalSegmentBytes()).isEqualTo(65536);
        assertThat(RelayConfig.parse("relay.toml", "[intake]\napp_domains = [\"app.example.com\"]\n").journalSegmentBytes())
                .isZero(); // the standard 16 MiB
        assertThatThrownBy(() -> RelayConfig.parse("relay.toml", text.replace("65536", "100"), true))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .extracting(ConfigProblem::message)
                        .containsExactly("relay.toml: [testing] journal_segment_bytes = 100: must be between 4096 and 16777216"));
    }

    @Test
    void missingFile_isOneClearProblem() {
        assertThatThrownBy(() -> RelayConfig.load(temp.resolve("nope.toml")))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("nope.toml: (file): does not exist");
    }

    @Test
    void printedDefaults_areTheDefaultsTheCodeUses() throws Exception {
        String printed = RelayConfig.defaultConfigText()
                .replace("# app_domains = [\"app.example.com\"]", "app_domains = [\"app.example.com\"]");
        RelayConfig fromText = RelayConfig.parse("default", printed);
        RelayConfig fromCode = RelayConfig.parse("minimal", "[intake]\napp_domains = [\"app.example.com\"]\n");
        assertThat(fromText).isEqualTo(fromCode);
        assertThat(fromCode.intake().maxMessageSize().bytes()).isEqualTo(25L << 20);
        assertThat(fromCode.intake().commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(fromCode.intake().bareLf()).isEqualTo(BareLf.NORMALIZE);
        assertThat(fromCode.intake().listen()).extracting(a -> a.getAddress().getHostAddress() + "/" + a.getPort())
                .containsExactly("127.0.0.1/25", "0:0:0:0:0:0:0:1/25");
        assertThat(fromCode.queue().directory()).isEqualTo(Path.of("/var/spool/steward"));
    }

    @Test
    void cli_exits78_andListsEveryProblem() throws Exception {
        Path file = temp.resolve("relay.toml");
        Files.writeString(file, "[intake]\nmax_errors = -1\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StewardCli.run(new String[] {"relay", "--config", file.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                file + ": [intake] app_domains: must list the app host(s) that may send, e.g. [\"app.example.com\"]\n"
                        + file + ": [intake] max_errors = -1: must be between 1 and 1000\n"
                        + "2 problems in the configuration; nothing was started\n");
    }

    @Test
    void checkConfig_acceptsAValidFile() throws Exception {
        Path file = temp.resolve("relay.toml");
        Files.writeString(file, "[intake]\napp_domains = [\"app.example.com\"]\nlisten = [\"[::1]:2525\"]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = StewardCli.run(new String[] {"relay", "--config", file.toString(), "--check-config"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(file + ": ok\n");
    }
}
