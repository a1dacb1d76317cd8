package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.ControlServer;
import dev.steward.control.web.api.TestApi.Auth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every endpoint × {anonymous, operator, own customer, other customer}, from one table. The
 * object each row touches belongs to the "own" customer and is made fresh for every cell. A route
 * without a row, or a row without a route, fails {@link #everyRouteHasARow_andIsInTheOpenApiDocument}.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(300)
class AuthorizationMatrixIT {

    /** The four callers, in the order of the expected-status columns. */
    enum Caller { ANONYMOUS, OPERATOR, OWN, OTHER }

    /** What one cell needs: fresh objects of the own customer, and the request to send. */
    record World(TestApi api, Customer own, Account ownAccount, Account operator, Application application) {

        Server server() {
            return api.server(own.id(), application.id());
        }

        PackageChange change(Function<PackageChange, PackageChange> advance) {
            return advance.apply(api.deps.changes().request(dev.steward.control.core.Actor.operator("setup"), server().id(), PackageChangeKind.EXTRA_IPV6));
        }

        PackageChange approved(PackageChange change) {
            return api.deps.changes().approve(dev.steward.control.core.Actor.operator("setup"), change.id());
        }

        /** A fresh server whose agent has sent a heartbeat. */
        Server heartbeating() {
            Server server = server();
            new dev.steward.control.store.AgentRepository(api.deps.database()).recordHeartbeat(
                    new dev.steward.control.store.AgentIdentity(server.id(), server.name().toString(), 0),
                    new dev.steward.control.store.AgentHeartbeat("0.1.0", "Debian 12", "6.1.0", 1, "1.0.0", 0, 0, 0, 0, 0, 1));
            return server;
        }

        /** A fresh enrolment token for a fresh server. */
        String enrolmentToken() {
            return new dev.steward.control.store.AgentRepository(api.deps.database())
                    .issueEnrolmentToken(dev.steward.control.core.Actor.operator("setup"), server().id(),
                            java.time.Duration.ofHours(1)).token();
        }

        /** A fresh queued job (of a fresh server). */
        String job() {
            return new dev.steward.control.store.JobRepository(api.deps.database()).enqueue(
                    new dev.steward.control.core.job.JobSpec(server().id(), dev.steward.control.core.job.JobKind.BENCHMARK,
                            null, null, "{}", Instant.now(), null, java.time.Duration.ofMinutes(1)));
        }

        /** A fresh release (REGISTERED: its application is new and has no test server). */
        dev.steward.control.core.release.Release release() {
            return api.deps.pipeline().register(TestApi.SETUP, api.application().id(),
                    dev.steward.control.core.release.ReleaseTerms.of("1.1.0", "changes", "", ""),
                    dev.steward.control.core.release.ReleaseSource.OPERATOR);
        }

        /** A fresh release whose application got a test server after registration (start-test allowed). */
        dev.steward.control.core.release.Release releaseWithTestServer() {
            dev.steward.control.core.release.Release release = release();
            int n = TestApi.next();
            api.deps.servers().register(TestApi.SETUP, new dev.steward.control.store.ServerRegistration(
                    Server.register(dev.steward.control.core.fleet.ServerName.parse(String.format(
                            "cln%03d-tst-app%03d.%s", n, n, TestApi.DOMAIN)), own.id(), release.applicationId(),
                            "t" + n + ".customer.example"),
                    "10.202." + (n >> 8 & 255) + "." + (n & 255), "2001:db8:4::" + Integer.toHexString(n)));
            return release;
        }

        PackageChange scheduled(PackageChange change) {
            return api.deps.changes().schedule(dev.steward.control.core.Actor.operator("setup"), approved(change).id(),
                    Instant.parse("2030-01-07T05:00:00Z"));
        }
    }

    /** A request: path and body, built for one cell. */
    record Call(String path, Object body) {
    }

    /**
     * One row.
     *
     * @param route {@code METHOD /path/{template}}, as registered
     * @param expected status for anonymous, operator, own customer, other customer
     */
    record Row(String route, int[] expected, Function<World, Call> call) {
    }

    private static Row row(String route, int anonymous, int operator, int own, int other, Function<World, Call> call) {
        return new Row(route, new int[] {anonymous, operator, own, other}, call);
    }

    static final String DKIM_KEY = rsaPublicKey();

    /** A fresh RSA-2048 public key as the DKIM p= value (base64 of SubjectPublicKeyInfo). */
    static String rsaPublicKey() {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return java.util.Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static final List<Row> TABLE = List.of(
            row("GET /healthz", 200, 200, 200, 200, w -> new Call("/healthz", null)),
            row("GET /api/v1/openapi.json", 200, 200, 200, 200, w -> new Call("/api/v1/openapi.json", null)),
            row("POST /api/v1/session", 201, 201, 201, 201, w -> new Call("/api/v1/session",
                    Map.of("login", w.ownAccount().login(), "password", TestApi.PASSWORD))),
            row("GET /api/v1/session", 401, 200, 200, 200, w -> new Call("/api/v1/session", null)),
            // With an API token there is no session to end.
            row("DELETE /api/v1/session", 401, 400, 400, 400, w -> new Call("/api/v1/session", null)),
            row("GET /api/v1/customers", 401, 200, 403, 403, w -> new Call("/api/v1/customers", null)),
            row("POST /api/v1/customers", 401, 201, 403, 403, w -> new Call("/api/v1/customers", Map.of(
                    "name", "New " + TestApi.next(), "contacts", List.of("x@new.example"), "language", "en"))),
            row("GET /api/v1/customers/{id}", 401, 200, 200, 404, w -> new Call("/api/v1/customers/" + w.own().id(), null)),
            row("POST /api/v1/customers/{id}/calendar-token", 401, 200, 200, 404,
                    w -> new Call("/api/v1/customers/" + w.own().id() + "/calendar-token", null)),
            row("GET /api/v1/applications", 401, 200, 200, 200, w -> new Call("/api/v1/applications", null)),
            row("POST /api/v1/applications", 401, 201, 403, 403, w -> new Call("/api/v1/applications",
                    applicationBody("new" + TestApi.next()))),
            row("GET /api/v1/applications/{slug}", 401, 200, 200, 200,
                    w -> new Call("/api/v1/applications/" + w.application().slug(), null)),
            row("PUT /api/v1/applications/{slug}", 401, 200, 403, 403,
                    w -> new Call("/api/v1/applications/" + w.application().slug(), applicationBody(w.application().slug()))),
            row("GET /api/v1/servers", 401, 200, 200, 200, w -> new Call("/api/v1/servers", null)),
            row("POST /api/v1/servers", 401, 201, 403, 403, w -> {
                int n = TestApi.next();
                return new Call("/api/v1/servers", Map.of("name", String.format("cln%03d-tst-app%03d.%s", n, n, TestApi.DOMAIN),
                        "customer_id", w.own().id(), "application_id", w.application().id(),
                        "app_host", "t" + n + ".customer.example", "ipv4", "10.200." + (n >> 8 & 255) + "." + (n & 255),
                        "ipv6", "2001:db8:1::" + Integer.toHexString(n)));
            }),
            row("GET /api/v1/servers/{id}", 401, 200, 200, 404, w -> new Call("/api/v1/servers/" + w.server().id(), null)),
            // No relay in this world: the key is stored and the reply says the notice was not sent.
            row("PUT /api/v1/servers/{id}/dkim", 401, 200, 403, 403, w -> new Call("/api/v1/servers/" + w.server().id()
                    + "/dkim", Map.of("selector", "nexx", "public_key", DKIM_KEY))),
            row("GET /api/v1/servers/{id}/package-changes", 401, 200, 200, 404,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/package-changes", null)),
            row("POST /api/v1/servers/{id}/package-changes", 401, 201, 201, 404,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/package-changes", Map.of("kind", "extra_ipv4"))),
            row("GET /api/v1/package-changes", 401, 200, 200, 200, w -> new Call("/api/v1/package-changes", null)),
            row("GET /api/v1/package-changes/{id}", 401, 200, 200, 404,
                    w -> new Call("/api/v1/package-changes/" + w.change(c -> c).id(), null)),
            row("POST /api/v1/package-changes/{id}/approve", 401, 200, 403, 403,
                    w -> new Call("/api/v1/package-changes/" + w.change(c -> c).id() + "/approve", null)),
            row("POST /api/v1/package-changes/{id}/refuse", 401, 200, 403, 403,
                    w -> new Call("/api/v1/package-changes/" + w.change(c -> c).id() + "/refuse", Map.of("reason", "no"))),
            row("POST /api/v1/package-changes/{id}/schedule", 401, 200, 403, 403,
                    w -> new Call("/api/v1/package-changes/" + w.change(w::approved).id() + "/schedule",
                            Map.of("scheduled_for", "2030-01-07T05:00:00Z"))),
            row("POST /api/v1/package-changes/{id}/done", 401, 200, 403, 403, w -> {
                int n = TestApi.next();
                return new Call("/api/v1/package-changes/" + w.change(w::scheduled).id() + "/done",
                        Map.of("assigned_address", "2001:db8:2::" + Integer.toHexString(n)));
            }),
            row("GET /api/v1/accounts", 401, 200, 403, 403, w -> new Call("/api/v1/accounts", null)),
            row("POST /api/v1/accounts", 401, 201, 403, 403, w -> new Call("/api/v1/accounts", Map.of(
                    "login", "n" + TestApi.next() + "@customer.example", "role", "customer", "customer_id", w.own().id(),
                    "password", TestApi.PASSWORD))),
            row("GET /api/v1/accounts/{id}/tokens", 401, 200, 403, 403,
                    w -> new Call("/api/v1/accounts/" + w.ownAccount().id() + "/tokens", null)),
            row("POST /api/v1/accounts/{id}/tokens", 401, 201, 403, 403,
                    w -> new Call("/api/v1/accounts/" + w.ownAccount().id() + "/tokens", Map.of("label", "x"))),
            row("DELETE /api/v1/accounts/{id}/tokens/{token_id}", 401, 204, 403, 403, w -> {
                long tokenId = w.api().deps.admin().createToken(TestApi.SETUP, w.ownAccount().id(), "doomed", null).record().id();
                return new Call("/api/v1/accounts/" + w.ownAccount().id() + "/tokens/" + tokenId, null);
            }),
            row("GET /api/v1/audit-log", 401, 200, 403, 403, w -> new Call("/api/v1/audit-log", null)),
            // The agent job API: operators issue enrolment tokens and read heartbeats; the agent
            // endpoints take only agent credentials (AgentAuthorizationIT), so every account is 401
            // there, and enrolment needs nothing but the one-time token in the body.
            row("POST /api/v1/servers/{id}/enrolment-tokens", 401, 201, 403, 403,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/enrolment-tokens", null)),
            row("GET /api/v1/servers/{id}/agent-status", 401, 200, 403, 403,
                    w -> new Call("/api/v1/servers/" + w.heartbeating().id() + "/agent-status", null)),
            row("POST /api/agent/v1/enrol", 201, 201, 201, 201, w -> new Call("/api/agent/v1/enrol",
                    Map.of("token", w.enrolmentToken(), "dkim_public_key", ScriptedAgent.newDkimKeyPem()))),
            row("POST /api/agent/v1/credential/rotate", 401, 401, 401, 401,
                    w -> new Call("/api/agent/v1/credential/rotate", null)),
            row("POST /api/agent/v1/heartbeat", 401, 401, 401, 401, w -> new Call("/api/agent/v1/heartbeat", Map.of())),
            row("GET /api/agent/v1/jobs/next", 401, 401, 401, 401, w -> new Call("/api/agent/v1/jobs/next", null)),
            row("POST /api/agent/v1/jobs/{id}/progress", 401, 401, 401, 401,
                    w -> new Call("/api/agent/v1/jobs/" + w.job() + "/progress", Map.of("started", true))),
            row("POST /api/agent/v1/jobs/{id}/result", 401, 401, 401, 401,
                    w -> new Call("/api/agent/v1/jobs/" + w.job() + "/result", Map.of("status", "succeeded",
                            "duration_seconds", 1))),
            row("GET /api/v1/servers/{id}/jobs", 401, 200, 200, 404,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/jobs", null)),
            // Benchmarks (SPEC-2): a server's runs for its customer; the aggregates are public, as on
            // /specifications; the download is a capability URL (a wrong secret is 404 for everyone).
            row("GET /api/v1/servers/{id}/benchmarks", 401, 200, 200, 404,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/benchmarks", null)),
            row("POST /api/v1/servers/{id}/benchmarks", 401, 201, 403, 403,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/benchmarks", Map.of("profile", "quick"))),
            row("GET /api/v1/benchmarks/summary", 200, 200, 200, 200, w -> new Call("/api/v1/benchmarks/summary", null)),
            row("GET /api/agent/v1/bench-download/{server}/{secret}", 404, 404, 404, 404,
                    w -> new Call("/api/agent/v1/bench-download/" + w.server().id() + "/AAAAAAAAAAAAAAAAAAAAAA", null)),
            // Releases (issue 7): operators only; a server's planned maintenance for its customer too.
            row("GET /api/v1/releases", 401, 200, 403, 403, w -> new Call("/api/v1/releases", null)),
            row("POST /api/v1/releases", 401, 201, 403, 403, w -> new Call("/api/v1/releases", Map.of(
                    "application_id", w.api().application().id(), "version", "1.1.0", "changelog", "new things"))),
            row("GET /api/v1/releases/{id}", 401, 200, 403, 403,
                    w -> new Call("/api/v1/releases/" + w.release().id(), null)),
            row("POST /api/v1/releases/{id}/approve", 401, 200, 403, 403,
                    w -> new Call("/api/v1/releases/" + w.release().id() + "/approve", null)),
            row("POST /api/v1/releases/{id}/cancel", 401, 200, 403, 403,
                    w -> new Call("/api/v1/releases/" + w.release().id() + "/cancel", Map.of("reason", "wrong build"))),
            row("POST /api/v1/releases/{id}/start-test", 401, 200, 403, 403,
                    w -> new Call("/api/v1/releases/" + w.releaseWithTestServer().id() + "/start-test", null)),
            row("GET /api/v1/releases/{id}/plan", 401, 200, 403, 403,
                    w -> new Call("/api/v1/releases/" + w.release().id() + "/plan?dry_run=true", null)),
            row("GET /api/v1/servers/{id}/maintenance", 401, 200, 200, 404,
                    w -> new Call("/api/v1/servers/" + w.server().id() + "/maintenance", null)),
            row("GET /api/v1/applications/{slug}/release-feed", 401, 200, 403, 403,
                    w -> new Call("/api/v1/applications/" + w.application().slug() + "/release-feed", null)),
            row("PUT /api/v1/applications/{slug}/release-feed", 401, 200, 403, 403,
                    w -> new Call("/api/v1/applications/" + w.application().slug() + "/release-feed",
                            Map.of("feed_url", "https://vendor.example/releases.json"))));

    private static Map<String, Object> applicationBody(String slug) {
        return Map.of("slug", slug, "name", "App " + slug, "version_scheme", "semver", "current_version", "2.0.0",
                "packages", Map.of("standard", Map.of("vcpu", 2, "ram_mib", 4096, "storage_gib", 40),
                        "plus", Map.of("vcpu", 4, "ram_mib", 8192, "storage_gib", 80)));
    }

    @TestTemplate
    void matrix_everyEndpoint_everyCaller(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer own = api.customer();
            Account ownAccount = api.customerAccount(own.id());
            Account otherAccount = api.customerAccount(api.customer().id());
            Account operator = api.operator();
            World world = new World(api, own, ownAccount, operator, api.application());
            Map<Caller, Auth> auth = Map.of(Caller.ANONYMOUS, Auth.NONE,
                    Caller.OPERATOR, Auth.bearer(api.token(operator)),
                    Caller.OWN, Auth.bearer(api.token(ownAccount)),
                    Caller.OTHER, Auth.bearer(api.token(otherAccount)));
            List<String> mismatches = new ArrayList<>();
            int cells = 0;
            for (Row row : TABLE) {
                String method = row.route().substring(0, row.route().indexOf(' '));
                for (Caller caller : Caller.values()) {
                    Call call = row.call().apply(world);
                    TestApi.Reply reply = api.send(method, call.path(), call.body(), auth.get(caller));
                    cells++;
                    int expected = row.expected()[caller.ordinal()];
                    if (reply.status() != expected) {
                        mismatches.add(row.route() + " as " + caller + ": expected " + expected + ", got " + reply.status()
                                + " " + reply.json());
                    } else if (expected >= 400) {
                        // Every refusal has the error shape.
                        JsonNode body = reply.json();
                        if (body == null || !body.hasNonNull("code") || !body.hasNonNull("message") || !body.has("details")) {
                            mismatches.add(row.route() + " as " + caller + ": not {code, message, details}: " + body);
                        }
                    }
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(cells).isEqualTo(TABLE.size() * 4);
        }
    }

    @TestTemplate
    void everyRouteHasARow_andIsInTheOpenApiDocument(Database database) throws Exception {
        try (TestApi api = new TestApi(database)) {
            // The UI's routes have their own table (UiAuthorizationMatrixIT).
            Set<String> registered = api.server.routes().stream().filter(r -> ControlServer.isApi(r.path()))
                    .map(r -> r.method() + " " + r.path())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> rows = TABLE.stream().map(Row::route).collect(Collectors.toCollection(TreeSet::new));
            assertThat(rows).hasSize(TABLE.size());
            assertThat(rows).isEqualTo(registered);

            JsonNode document = Json.MAPPER.readTree(api.send("GET", "/api/v1/openapi.json", null, Auth.NONE).raw().body());
            assertThat(document.get("openapi").asText()).startsWith("3.1");
            Set<String> documented = new TreeSet<>();
            for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
                path.getValue().fieldNames().forEachRemaining(method -> documented.add(
                        method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey()));
            }
            assertThat(documented).isEqualTo(registered);
            // Every $ref resolves.
            List<String> refs = new ArrayList<>();
            collectRefs(document, refs);
            for (String ref : refs) {
                assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> collectRefs(item, refs));
        }
    }

}
