package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward control-dev --demo} as {@code make run} uses it: the first run writes the config,
 * creates the operator and the demo data and prints the credentials once (and into a 0600 file);
 * the second run creates nothing and prints no credentials; the printed operator password logs in
 * on the control plane started from the written config; the demo server's DKIM notice reaches the
 * relay (a recording SMTP server here).
 */
@Timeout(120)
class DevSetupIT {

    @Test
    void firstRunCreatesAndPrintsOnce_secondRunReuses_credentialsWork(@TempDir Path dir) throws Exception {
        Path dkimPub = dir.resolve("nexx.pub");
        Files.writeString(dkimPub, "-----BEGIN PUBLIC KEY-----\n"
                + rsaPublicKey().replaceAll("(.{64})", "$1\n") + "\n-----END PUBLIC KEY-----\n");
        try (RecordingSmtpServer relay = RecordingSmtpServer.startPlain()) {
            String[] args = {"--dir", dir.resolve("dev").toString(), "--demo", "--listen", "127.0.0.1:0",
                    "--relay", "127.0.0.1:" + relay.port(), "--dkim-public-key", dkimPub.toString()};
            Run first = run(args);
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("demo data created:\n  - application wordpress\n  - application odoo\n"
                    + "  - application nextcloud\n",
                    "customer \"Demo Klant BV\" (nl)", "server cln001-prd-app001.steward.localhost.test",
                    "record notice to it@demo-klant.test: sent");
            Matcher operator = Pattern.compile("operator  login: admin  password: (\\S+)").matcher(first.out());
            assertThat(operator.find()).isTrue();
            assertThat(first.out()).containsPattern("customer  login: klant@demo-klant.test  password: \\S{20}");
            Path credentials = dir.resolve("dev/credentials.txt");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
            assertThat(Files.readString(credentials)).contains("password: " + operator.group(1));

            ReceivedMessage notice = relay.awaitMessages(1, Duration.ofSeconds(10)).getFirst();
            assertThat(notice.sender()).isEqualTo("steward@steward.localhost.test");
            assertThat(notice.recipients()).containsExactly("it@demo-klant.test");
            assertThat(new String(notice.content(), StandardCharsets.UTF_8))
                    .contains("nexx._domainkey.app.localhost.test", "Beste klant");

            Run second = run(args);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).doesNotContain("password", "demo data");
            assertThat(relay.messages()).hasSize(1);

            // The printed password works on the control plane that uses the written config.
            ControlConfig config = ControlConfig.load(dir.resolve("dev/control.toml"));
            try (ControlMain main = new ControlMain(config).start()) {
                var http = java.net.http.HttpClient.newHttpClient();
                var login = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + main.port() + "/api/v1/session"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"login\":\"admin\",\"password\":\"" + operator.group(1) + "\"}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).as(login.body()).isEqualTo(201);
                int servers = main.database().jdbi().withHandle(h -> h.createQuery("select count(*) from server")
                        .mapTo(Integer.class).one());
                assertThat(servers).isEqualTo(1);
            }

            // A reset prints a new password once.
            Run reset = run(new String[] {"--dir", dir.resolve("dev").toString(), "--reset-password", "admin"});
            assertThat(reset.code()).isZero();
            assertThat(reset.out()).containsPattern("reset operator login: admin  password: \\S{20}");
        }
    }

    /** make run's local agent: a one-time token for this machine's server, once, in a 0600 file; it enrols. */
    @Test
    void agentTokenFile_getsAOneTimeTokenForThisMachine_once_andItEnrols(@TempDir Path dir) throws Exception {
        try (RecordingSmtpServer relay = RecordingSmtpServer.startPlain()) {
            Path tokenFile = dir.resolve("dev/agent/enrolment-token");
            String[] args = {"--dir", dir.resolve("dev").toString(), "--demo", "--listen", "127.0.0.1:0",
                    "--relay", "127.0.0.1:" + relay.port(), "--agent-token-file", tokenFile.toString()};
            Run first = run(args);
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("enrolment token for the local agent (server "
                    + "cln001-prd-app001.steward.localhost.test", "written to " + tokenFile);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = Files.readString(tokenFile).strip();
            assertThat(first.out()).doesNotContain(token);

            Run second = run(args);   // the file exists: no second token
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).doesNotContain("enrolment token");
            assertThat(Files.readString(tokenFile).strip()).isEqualTo(token);

            ControlConfig config = ControlConfig.load(dir.resolve("dev/control.toml"));
            try (ControlMain main = new ControlMain(config).start()) {
                var http = java.net.http.HttpClient.newHttpClient();
                var enrol = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + main.port() + "/api/agent/v1/enrol"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token
                                + "\",\"dkim_public_key\":\"" + rsaPublicKey() + "\"}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(enrol.statusCode()).as(enrol.body()).isEqualTo(201);
                assertThat(enrol.body()).contains("cln001-prd-app001.steward.localhost.test");
            }
        }
    }

    private static String rsaPublicKey() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return java.util.Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DevSetup.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
