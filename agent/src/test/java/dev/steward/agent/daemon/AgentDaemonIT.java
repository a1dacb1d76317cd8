package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateConfig;
import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.JobRepository;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.ControlServer;
import dev.steward.control.web.api.AgentApiSettings;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.ui.UiSettings;
import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.app.RelayMain;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against the real control plane, in-process: a {@link ControlServer} on a free loopback
 * port over an embedded H2 database, and the relay and the agent as {@code steward agent} composes
 * them ({@link AgentMain#start}). Enrolment with a token issued through the operator API, the
 * heartbeat in the operator's agent-status, an application update queued in the database and run
 * through a recipe of small shell scripts, and the control plane stopped while a job runs: the
 * result waits in the spool, the relay keeps taking mail, and the result is reported once the
 * control plane is back on the same port.
 *
 * <p>Waits are bounded: each polls a condition with a deadline (the agent and the control plane
 * run on threads the test does not control).
 */
class AgentDaemonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Actor SETUP = Actor.system("test-setup");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String APP_DOMAIN = "app.example.test";

    @TempDir
    Path temp;

    private Database database;
    private ApiDependencies deps;
    private ControlServer control;
    private int port;
    private RelayMain relay;
    private AgentDaemon agent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startControlPlane() {
        database = Database.embedded(temp.resolve("h2"), 4, Clock.systemUTC());
        deps = ApiDependencies.wire(database, new PasswordHasher(1024, 1, 1), "hosting.example", false,
                Duration.ofHours(1), 5, Duration.ofMinutes(15));
        control = new ControlServer(deps, UiSettings.defaults(), AgentApiSettings.defaults()).start("127.0.0.1", 0);
        port = control.port();
    }

    @AfterEach
    void stopAll() {
        if (agent != null) {
            agent.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (control != null) {
            control.close();
        }
        database.close();
    }

    @Test
    void enrols_heartbeats_runsAnUpdate_andReportsAResultSpooledWhileTheControlPlaneWasDown() throws Exception {
        // ---- the control plane's side: an operator, a customer, an application, a server
        Account operator = deps.admin().create(SETUP, "op@provider.example", Account.Role.OPERATOR, null,
                "correct horse battery staple");
        String operatorToken = deps.admin().createToken(SETUP, operator.id(), "test", null).token();
        Customer customer = deps.customers().create(SETUP, Customer.of("Customer", List.of("it@customer.example"),
                Language.EN));
        Application application = deps.applications().create(SETUP, new Application(0, "wiki", "Wiki",
                VersionScheme.SEMVER, "1.0.0", Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
        Server server = deps.servers().register(SETUP, new ServerRegistration(Server.register(
                ServerName.parse("cln001-prd-app001.hosting.example"), customer.id(), application.id(), APP_DOMAIN),
                "10.0.0.1", "2001:db8::1"));
        JsonNode issued = request("POST", "/api/v1/servers/" + server.id() + "/enrolment-tokens", operatorToken);
        String enrolmentToken = issued.get("token").asText();

        // ---- this server: the relay's and the agent's configuration, and a recipe of shell scripts
        Path app = Files.createDirectories(temp.resolve("wiki"));
        Files.writeString(app.resolve("VERSION"), "1.0.0\n");
        Path gate = app.resolve("GATE");
        script(app, "backup.sh", "cp VERSION VERSION.backup");
        script(app, "update.sh", """
                if [ "$STEWARD_TARGET_VERSION" = 1.2.0 ]; then
                    while [ ! -e GATE ]; do sleep 0.05; done
                fi
                printf '%s\\n' "$STEWARD_TARGET_VERSION" > VERSION""");
        script(app, "rollback.sh", "cp VERSION.backup VERSION");
        Path apps = Files.createDirectories(temp.resolve("apps"));
        Files.writeString(apps.resolve("wiki.toml"), """
                [application]
                name = "wiki"
                version_command = "cat VERSION"
                working_directory = "%1$s"
                expected_duration = "1s"

                [backup]
                command = "sh %1$s/backup.sh"
                timeout = "10s"

                [update]
                command = "sh %1$s/update.sh"
                timeout = "60s"

                [health]
                command = "true"
                timeout = "10s"
                interval = "100ms"

                [rollback]
                command = "sh %1$s/rollback.sh"
                timeout = "10s"
                """.formatted(app));
        Path relayToml = temp.resolve("relay.toml");
        Files.writeString(relayToml, """
                [server]
                hostname = "cln001-prd-app001.hosting.example"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["%s"]

                [queue]
                directory = "%s"

                [delivery]
                enabled = false
                """.formatted(APP_DOMAIN, temp.resolve("queue")));
        Path agentToml = temp.resolve("agent.toml");
        Path state = temp.resolve("state");
        Files.writeString(agentToml, """
                [control]
                url = "http://127.0.0.1:%d"
                heartbeat_interval = "200ms"
                poll_wait = "1s"
                request_timeout = "5s"

                [agent]
                state_directory = "%s"
                relay_config = "%s"
                recipes_directory = "%s"
                dkim_directory = "%s"
                """.formatted(port, state, relayToml, apps, temp.resolve("dkim")));

        // ---- enrolment: a DKIM key made here, only its public half sent; the credential kept 0600
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int enrolled = AgentMain.run(new String[] {"enrol", "--config", agentToml.toString(), "--token", enrolmentToken},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(enrolled).as(out + "\n" + err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("enrolled as server " + server.id())
                .contains("nexx." + APP_DOMAIN + ".key").contains("mode 0600");
        Path key = temp.resolve("dkim/nexx." + APP_DOMAIN + ".key");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(state.resolve("credential.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JsonNode registered = request("GET", "/api/v1/servers/" + server.id(), operatorToken);
        assertThat(registered.toString()).as("the control plane has the public key")
                .contains(dev.steward.mail.dkim.DkimKeys.publicKeyValue(dev.steward.mail.dkim.DkimKeys.publicKey(
                        dev.steward.mail.dkim.DkimKeys.readPrivateKeyPem(Files.readString(key)))));
        err.reset();
        int again = AgentMain.run(new String[] {"enrol", "--config", agentToml.toString(), "--token", enrolmentToken},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(again).isEqualTo(Enrolment.EX_CANTCREAT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("already enrolled").contains("--force");

        // ---- the daemon: the relay, then the agent beside it
        AgentConfig config = AgentConfig.load(agentToml);
        RelayConfig relayConfig = RelayConfig.load(relayToml);
        relay = new RelayMain(relayConfig);
        relay.start();
        agent = AgentMain.start(config, relay, relayConfig);
        assertThat(agent).isNotNull();

        // ---- the heartbeat reaches the operator's agent-status
        JsonNode status = awaitJson("a heartbeat with the installed version", () -> {
            JsonNode reply = requestOrNull("GET", "/api/v1/servers/" + server.id() + "/agent-status", operatorToken);
            return reply != null && reply.path("installed_version").asText().equals("1.0.0") ? reply : null;
        });
        assertThat(status.path("kernel").asText()).isEqualTo(System.getProperty("os.version"));
        assertThat(status.path("os").asText()).isNotBlank();
        assertThat(status.path("steward_version").asText()).isNotBlank().isNotEqualTo("unknown");
        assertThat(status.path("queue").path("held").asInt()).isZero();
        assertThat(status.path("free_disk_bytes").asLong()).isPositive();

        // ---- an application update, queued as the rollout would, runs through the recipe
        JobRepository jobs = new JobRepository(database);
        String first = jobs.enqueue(appUpdate(server.id(), "1.1.0"));
        Job done = await("the first update finished", () -> jobs.find(first).filter(j -> j.state().ordinal()
                >= JobState.SUCCEEDED.ordinal()).orElse(null));
        assertThat(done.state()).as(done.result()).isEqualTo(JobState.SUCCEEDED);
        JsonNode result = JSON.readTree(done.result());
        assertThat(result.path("health").path("ok").asBoolean()).isTrue();
        assertThat(result.path("details").path("from_version").asText()).isEqualTo("1.0.0");
        assertThat(result.path("details").path("installed_version").asText()).isEqualTo("1.1.0");
        assertThat(Files.readString(app.resolve("VERSION")).strip()).isEqualTo("1.1.0");
        await("the spool emptied", () -> agent.spool().pending().isEmpty() ? true : null);

        // ---- the control plane goes away while the next update runs
        String second = jobs.enqueue(appUpdate(server.id(), "1.2.0"));
        await("the second update started", () -> jobs.find(second).filter(j -> j.state() == JobState.RUNNING)
                .orElse(null));
        control.close();
        control = null;
        Files.createFile(gate);
        await("the result spooled", () -> agent.spool().contains(second) ? true : null);
        assertThat(Files.readString(app.resolve("VERSION")).strip()).isEqualTo("1.2.0");
        assertThat(jobs.find(second).orElseThrow().state()).as("not reported yet").isEqualTo(JobState.RUNNING);

        // the relay does not depend on the control plane: it still takes mail
        InetSocketAddress intake = relay.boundAddresses().get(0);
        assertThat(sendMail(intake)).startsWith("250 ");

        // ---- the control plane returns on the same port: the spooled result is reported
        control = new ControlServer(deps, UiSettings.defaults(), AgentApiSettings.defaults()).start("127.0.0.1", port);
        Job secondDone = await("the spooled result reported", () -> jobs.find(second)
                .filter(j -> j.state() != JobState.RUNNING).orElse(null));
        assertThat(secondDone.state()).as(secondDone.result()).isEqualTo(JobState.SUCCEEDED);
        assertThat(JSON.readTree(secondDone.result()).path("details").path("to_version").asText()).isEqualTo("1.2.0");
        await("the spool emptied again", () -> agent.spool().pending().isEmpty() ? true : null);
        assertThat(sendMail(intake)).startsWith("250 ");

        // ---- rotation: an agent whose clock says the credential is two days old rotates it at once
        agent.close();
        Credential before = Credential.read(config.credentialFile()).orElseThrow();
        Clock twoDaysLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
        agent = new AgentDaemon(config, RelayStatus.of(relay.metrics(), relayConfig.queue().directory()),
                HostFacts.system(), new AptOsUpdateExecutor(OsUpdateConfig.builder(config.osStateDirectory()).build(),
                twoDaysLater), twoDaysLater);
        agent.start();
        Credential rotated = await("the credential rotated", () -> Credential.read(config.credentialFile())
                .filter(c -> !c.credential().equals(before.credential())).orElse(null));
        assertThat(rotated.serverId()).isEqualTo(before.serverId());
        assertThat(Files.getPosixFilePermissions(config.credentialFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        ControlPlaneClient old = new ControlPlaneClient(config.controlUrl(), Duration.ofSeconds(5), before::credential);
        assertThat(old.heartbeat(agent.heartbeatBody()).status()).as("the old credential is revoked").isEqualTo(401);
        Instant rotatedAt = Instant.now();
        await("a heartbeat with the new credential", () -> {
            JsonNode reply = requestOrNull("GET", "/api/v1/servers/" + server.id() + "/agent-status", operatorToken);
            return reply != null && Instant.parse(reply.path("reported_at").asText()).isAfter(rotatedAt) ? reply : null;
        });
    }

    private static JobSpec appUpdate(long serverId, String version) {
        Instant now = Instant.now();
        String payload = JSON.createObjectNode().put("application", "wiki").put("version", version)
                .put("previous_version", "1.0.0").put("window_end", now.plus(Duration.ofHours(1)).toString()).toString();
        return new JobSpec(serverId, JobKind.APP_UPDATE, null, null, payload, now.minusSeconds(1),
                now.plus(Duration.ofHours(1)), Duration.ofMinutes(5));
    }

    private static void script(Path directory, String name, String body) throws Exception {
        Files.writeString(directory.resolve(name), "set -e\ncd \"$(dirname \"$0\")\"\n" + body + "\n");
    }

    /** One message through the relay's intake; returns the reply to the end of DATA. */
    private static String sendMail(InetSocketAddress intake) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(intake, 5000);
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream raw = socket.getOutputStream();
            reply(in, "220");
            command(raw, "EHLO client.test");
            reply(in, "250");
            command(raw, "MAIL FROM:<wiki@" + APP_DOMAIN + ">");
            reply(in, "250");
            command(raw, "RCPT TO:<someone@example.org>");
            reply(in, "250");
            command(raw, "DATA");
            reply(in, "354");
            command(raw, "From: wiki@" + APP_DOMAIN + "\r\nTo: someone@example.org\r\nSubject: test\r\n\r\nhello\r\n.");
            String accepted = reply(in, "250");
            command(raw, "QUIT");
            return accepted;
        }
    }

    private static void command(OutputStream out, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a (multi-line) reply and checks its code; returns the last line. */
    private static String reply(BufferedReader in, String code) throws Exception {
        String line;
        do {
            line = in.readLine();
            assertThat(line).as("reply expected with " + code).isNotNull().startsWith(code);
        } while (line.charAt(3) == '-');
        return line;
    }

    private JsonNode request(String method, String path, String bearer) throws Exception {
        JsonNode reply = requestOrNull(method, path, bearer);
        assertThat(reply).as(method + " " + path).isNotNull();
        return reply;
    }

    /** The JSON of a 2xx answer, or null for any other answer. */
    private JsonNode requestOrNull(String method, String path, String bearer) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() / 100 == 2 && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} every 50 ms until it gives a value, for at most {@link #WAIT}. */
    private static <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode awaitJson(String what, Probe<JsonNode> probe) throws Exception {
        return await(what, probe);
    }
}
