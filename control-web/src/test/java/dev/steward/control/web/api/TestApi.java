package dev.steward.control.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.ControlServer;
import dev.steward.control.web.auth.PasswordHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A control-plane server on a free loopback port over a test database, with fixtures (operator,
 * two customers with accounts and tokens, an application) and a small JDK HttpClient wrapper.
 */
final class TestApi implements AutoCloseable {

    static final String DOMAIN = "hosting.example";
    static final String PASSWORD = "correct horse battery staple";
    static final Actor SETUP = Actor.system("test-setup");
    private static final AtomicInteger SEQUENCE = new AtomicInteger(100);
    // Cheap Argon2id parameters keep the tests fast; production uses the documented defaults.
    static final PasswordHasher HASHER = new PasswordHasher(1024, 1, 1);

    final ApiDependencies deps;
    final ControlServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestApi(Database database) {
        this(database, 5);
    }

    TestApi(Database database, int failureLimit) {
        this(database, failureLimit, null);
    }

    /** With customer notices submitted to {@code smtp} (null: none configured). */
    TestApi(Database database, int failureLimit, dev.steward.control.web.notify.SmtpSubmission smtp) {
        this(database, failureLimit, smtp, AgentApiSettings.defaults());
    }

    /** With the agent job API configured by {@code agentSettings} (listener, lease, clock). */
    TestApi(Database database, AgentApiSettings agentSettings) {
        this(database, 5, null, agentSettings);
    }

    private TestApi(Database database, int failureLimit, dev.steward.control.web.notify.SmtpSubmission smtp,
                    AgentApiSettings agentSettings) {
        deps = ApiDependencies.wire(database, HASHER, DOMAIN, false, Duration.ofHours(1), failureLimit,
                Duration.ofMinutes(15), smtp, "steward@" + DOMAIN);
        server = new ControlServer(deps, dev.steward.control.web.ui.UiSettings.defaults(), agentSettings)
                .start("127.0.0.1", 0);
    }

    /** The server's base address, e.g. for a {@link ScriptedAgent}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    static int next() {
        return SEQUENCE.incrementAndGet();
    }

    /** An operator login (the bootstrap, or a further one), returns the login. */
    Account operator() {
        return deps.admin().create(SETUP, "op" + next() + "@provider.example", Account.Role.OPERATOR, null, PASSWORD);
    }

    Customer customer() {
        int n = next();
        return deps.customers().create(SETUP, Customer.of("Customer " + n, List.of("it" + n + "@customer.example"),
                n % 2 == 0 ? Language.NL : Language.EN));
    }

    Account customerAccount(long customerId) {
        return deps.admin().create(SETUP, "c" + next() + "@customer.example", Account.Role.CUSTOMER, customerId, PASSWORD);
    }

    String token(Account account) {
        return deps.admin().createToken(SETUP, account.id(), "test", null).token();
    }

    Application application() {
        int n = next();
        return deps.applications().create(SETUP, new Application(0, "app" + n, "App " + n, VersionScheme.SEMVER, "1.0.0",
                Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
    }

    Server server(long customerId, long applicationId) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%03d-prd-app%03d.%s", n, n, DOMAIN));
        return deps.servers().register(SETUP, new ServerRegistration(
                Server.register(name, customerId, applicationId, "app" + n + ".customer.example"),
                "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255), "2001:db8::" + Integer.toHexString(n)));
    }

    /** A response with its parsed JSON body (null when empty). */
    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /** Credentials for a request: none, a bearer token, or a cookie with an optional CSRF token. */
    record Auth(String bearer, String cookie, String csrf) {
        static final Auth NONE = new Auth(null, null, null);

        static Auth bearer(String token) {
            return new Auth(token, null, null);
        }
    }

    Reply send(String method, String path, Object body, Auth auth) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20));
        String text = null;
        if (body != null) {
            try {
                text = body instanceof String s ? s : Json.MAPPER.writeValueAsString(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            request.header("Content-Type", "application/json");
        }
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (auth.bearer() != null) {
            request.header("Authorization", "Bearer " + auth.bearer());
        }
        if (auth.cookie() != null) {
            request.header("Cookie", "steward_session=" + auth.cookie());
        }
        if (auth.csrf() != null) {
            request.header("X-CSRF-Token", auth.csrf());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
            return new Reply(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Logs in and returns the session cookie value and the CSRF token. */
    Auth login(String login) {
        Reply reply = send("POST", "/api/v1/session", Map.of("login", login, "password", PASSWORD), Auth.NONE);
        if (reply.status() != 201) {
            throw new AssertionError("login failed: " + reply.status() + " " + reply.json());
        }
        String cookie = reply.header("Set-Cookie");
        String value = cookie.substring("steward_session=".length(), cookie.indexOf(';'));
        return new Auth(null, value, reply.json().get("csrf_token").asText());
    }

    @Override
    public void close() {
        server.close();
    }
}
