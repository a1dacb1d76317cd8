package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.ControlServer;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Every UI route × {anonymous, operator, own customer, other customer}, from one table, with
 * browser sessions (cookie + the CSRF field on posts, so the table tests scope, not CSRF). Anonymous
 * readers of a private page are sent to the login form (303 to {@code /login?next=…}); a customer
 * on an operator page gets 403; another customer's server is 404, the same as a missing one. A UI
 * route without a row fails {@link #everyUiRouteHasARow}.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(300)
class UiAuthorizationMatrixIT {

    enum Caller { ANONYMOUS, OPERATOR, OWN, OTHER }

    record World(TestUi ui, Customer own, Application application) {
        Server server() {
            return ui.server(own.id(), application.id());
        }

        /** A fresh release of a fresh application (REGISTERED: no test server, so approve plans it). */
        long release() {
            return ui.deps.pipeline().register(Actor.operator("setup"), ui.application().id(),
                    dev.steward.control.core.release.ReleaseTerms.of("1.1.0", "changes", "", ""),
                    dev.steward.control.core.release.ReleaseSource.OPERATOR).id();
        }
    }

    record Call(String method, String path, Map<String, String> form) {
        static Call get(String path) {
            return new Call("GET", path, null);
        }

        static Call post(String path, Map<String, String> form) {
            return new Call("POST", path, form);
        }
    }

    record Row(String route, int[] expected, Function<World, Call> call) {
    }

    private static Row row(String route, int anonymous, int operator, int own, int other, Function<World, Call> call) {
        return new Row(route, new int[] {anonymous, operator, own, other}, call);
    }

    private static final List<Row> TABLE = List.of(
            row("GET /", 303, 303, 303, 303, w -> Call.get("/")),
            row("GET /login", 200, 303, 303, 303, w -> Call.get("/login")),
            // No pre-session token: refused before the password is looked at, whoever asks.
            row("POST /login", 403, 403, 403, 403, w -> Call.post("/login", Map.of("login", "x@y.example",
                    "password", "wrong"))),
            row("POST /logout", 303, 303, 303, 303, w -> Call.post("/logout", Map.of())),
            row("GET /language/{code}", 303, 303, 303, 303, w -> Call.get("/language/nl?back=/specifications")),
            row("GET /specifications", 200, 200, 200, 200, w -> Call.get("/specifications")),
            row("GET /static/steward.css", 200, 200, 200, 200, w -> Call.get("/static/steward.css")),
            row("GET /static/steward.js", 200, 200, 200, 200, w -> Call.get("/static/steward.js")),
            row("GET /servers", 303, 303, 200, 200, w -> Call.get("/servers")),
            row("GET /servers/{id}/mail", 303, 200, 200, 404, w -> Call.get("/servers/" + w.server().id() + "/mail")),
            row("GET /servers/{id}/dns", 303, 200, 200, 404, w -> Call.get("/servers/" + w.server().id() + "/dns")),
            row("GET /servers/{id}/package", 303, 200, 200, 404,
                    w -> Call.get("/servers/" + w.server().id() + "/package")),
            row("POST /servers/{id}/package", 303, 303, 303, 404,
                    w -> Call.post("/servers/" + w.server().id() + "/package", Map.of("kind", "extra_ipv6"))),
            row("GET /operator/servers", 303, 200, 403, 403, w -> Call.get("/operator/servers")),
            row("GET /operator/servers/new", 303, 200, 403, 403, w -> Call.get("/operator/servers/new")),
            row("POST /operator/servers", 303, 303, 403, 403, w -> {
                int n = TestUi.next();
                return Call.post("/operator/servers", Map.of("name", String.format("cln%03d-tst-app%03d.%s", n, n,
                                TestUi.DOMAIN), "customer", Long.toString(w.own().id()), "application",
                        Long.toString(w.application().id()), "app_host", "t" + n + ".customer.example",
                        "ipv4", "10.201." + (n >> 8 & 255) + "." + (n & 255), "ipv6", "2001:db8:3::" + Integer.toHexString(n)));
            }),
            row("GET /operator/applications", 303, 200, 403, 403, w -> Call.get("/operator/applications")),
            row("POST /operator/applications", 303, 303, 403, 403,
                    w -> Call.post("/operator/applications", applicationForm("new" + TestUi.next()))),
            row("GET /operator/applications/{slug}", 303, 200, 403, 403,
                    w -> Call.get("/operator/applications/" + w.application().slug())),
            row("POST /operator/applications/{slug}", 303, 303, 403, 403,
                    w -> Call.post("/operator/applications/" + w.application().slug(),
                            applicationForm(w.application().slug()))),
            row("GET /operator/requests", 303, 200, 403, 403, w -> Call.get("/operator/requests")),
            row("POST /operator/requests/{id}/{action}", 303, 303, 403, 403, w -> {
                long id = w.ui().deps.changes().request(Actor.operator("setup"), w.server().id(),
                        PackageChangeKind.EXTRA_IPV6).id();
                return Call.post("/operator/requests/" + id + "/approve", Map.of());
            }),
            row("GET /operator/audit", 303, 200, 403, 403, w -> Call.get("/operator/audit")),
            row("GET /operator/customers", 303, 200, 403, 403, w -> Call.get("/operator/customers")),
            row("POST /operator/customers", 303, 303, 403, 403, w -> Call.post("/operator/customers",
                    customerForm("Matrix " + TestUi.next()))),
            row("GET /operator/customers/{id}", 303, 200, 403, 403,
                    w -> Call.get("/operator/customers/" + w.own().id())),
            row("POST /operator/customers/{id}", 303, 303, 403, 403,
                    w -> Call.post("/operator/customers/" + w.own().id(), customerForm(w.own().name()))),
            row("POST /operator/customers/{id}/accounts", 303, 201, 403, 403,
                    w -> Call.post("/operator/customers/" + w.own().id() + "/accounts",
                            Map.of("login", "matrix" + TestUi.next() + "@customer.example"))),
            row("POST /operator/customers/{id}/accounts/{account}/{action}", 303, 303, 403, 403,
                    w -> Call.post("/operator/customers/" + w.own().id() + "/accounts/"
                            + w.ui().customerAccount(w.own().id()).id() + "/enable", Map.of())),
            row("POST /operator/customers/{id}/windows", 303, 303, 403, 403,
                    w -> Call.post("/operator/customers/" + w.own().id() + "/windows",
                            Map.of("os_window", "TUESDAY 05:00-07:00"))),
            row("POST /operator/customers/{id}/blackouts", 303, 303, 403, 403,
                    w -> Call.post("/operator/customers/" + w.own().id() + "/blackouts",
                            Map.of("first_day", "2031-01-06", "reason", "closing"))),
            row("POST /operator/customers/{id}/blackouts/{blackout}/delete", 303, 303, 403, 403, w -> {
                long id = w.ui().deps.maintenance().addBlackout(Actor.operator("setup"), w.own().id(), null,
                        java.time.LocalDate.of(2031, 2, 3), java.time.LocalDate.of(2031, 2, 3), "setup").id();
                return Call.post("/operator/customers/" + w.own().id() + "/blackouts/" + id + "/delete", Map.of());
            }),
            row("GET /operator/servers/{id}/history", 303, 200, 403, 403,
                    w -> Call.get("/operator/servers/" + w.server().id() + "/history")),
            row("POST /operator/servers/{id}/benchmarks", 303, 303, 403, 403,
                    w -> Call.post("/operator/servers/" + w.server().id() + "/benchmarks", Map.of("profile", "quick"))),
            // The customer's maintenance page; an operator names the customer (without: the fleet page).
            row("GET /maintenance", 303, 200, 200, 404, w -> Call.get("/maintenance?customer=" + w.own().id())),
            row("POST /maintenance/calendar-token", 303, 200, 200, 404,
                    w -> Call.post("/maintenance/calendar-token", Map.of("customer", String.valueOf(w.own().id())))),
            // The feed: the token in the address is the credential, whoever asks.
            row("GET /calendar/{token}.ics", 200, 200, 200, 200, w -> Call.get(
                    "/calendar/" + w.ui().deps.customerCalendar().repository().issueToken(Actor.operator("setup"),
                            w.own().id()) + ".ics")),
            row("GET /operator/releases", 303, 200, 403, 403, w -> Call.get("/operator/releases")),
            row("GET /operator/releases/new", 303, 200, 403, 403, w -> Call.get("/operator/releases/new")),
            row("POST /operator/releases", 303, 303, 403, 403, w -> Call.post("/operator/releases", Map.of(
                    "application", Long.toString(w.ui().application().id()), "version", "1.2.0",
                    "changelog", "New things"))),
            row("GET /operator/releases/{id}", 303, 200, 403, 403,
                    w -> Call.get("/operator/releases/" + w.release() + "?dry_run=1")),
            row("POST /operator/releases/{id}/{action}", 303, 303, 403, 403,
                    w -> Call.post("/operator/releases/" + w.release() + "/approve", Map.of())),
            row("GET /operator/next-monday", 303, 200, 403, 403, w -> Call.get("/operator/next-monday")));

    private static Map<String, String> customerForm(String name) {
        return Map.of("name", name, "contacts", "it@matrix.example", "language", "nl",
                "time_zone", "Europe/Brussels");
    }

    private static Map<String, String> applicationForm(String slug) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("slug", slug);
        form.put("name", "App " + slug);
        form.put("version_scheme", "semver");
        form.put("current_version", "2.0.0");
        form.put("standard_vcpu", "2");
        form.put("standard_ram_mib", "4096");
        form.put("standard_storage_gib", "40");
        form.put("plus_vcpu", "4");
        form.put("plus_ram_mib", "8192");
        form.put("plus_storage_gib", "80");
        return form;
    }

    @TestTemplate
    void matrix_everyUiRoute_everyCaller(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer own = ui.customer(Language.NL);
            Account ownAccount = ui.customerAccount(own.id());
            Account otherAccount = ui.customerAccount(ui.customer(Language.EN).id());
            Account operator = ui.operator();
            World world = new World(ui, own, ui.application());
            Map<Caller, Account> accounts = Map.of(Caller.OPERATOR, operator, Caller.OWN, ownAccount,
                    Caller.OTHER, otherAccount);
            List<String> mismatches = new ArrayList<>();
            for (Row row : TABLE) {
                for (Caller caller : Caller.values()) {
                    // A fresh session per cell: the logout row ends its own session only.
                    TestUi.Browser browser = caller == Caller.ANONYMOUS ? ui.browser() : ui.loggedIn(accounts.get(caller));
                    Call call = row.call().apply(world);
                    TestUi.Page page = call.method().equals("GET") ? browser.get(call.path())
                            : browser.post(call.path(), call.form());
                    int expected = row.expected()[caller.ordinal()];
                    if (page.status() != expected) {
                        mismatches.add(row.route() + " as " + caller + ": expected " + expected + ", got "
                                + page.status() + " " + page.location());
                    } else if (caller == Caller.ANONYMOUS && expected == 303 && row.route().contains("/servers")) {
                        if (page.location() == null || !page.location().startsWith("/login?next=")) {
                            mismatches.add(row.route() + " as anonymous: not sent to the login form: " + page.location());
                        }
                    } else if (expected == 403 || expected == 404) {
                        // Refusals are HTML pages, not the API's JSON.
                        if (!page.body().startsWith("<!DOCTYPE html>")) {
                            mismatches.add(row.route() + " as " + caller + ": not an HTML error page");
                        }
                    }
                }
            }
            assertThat(mismatches).isEmpty();
        }
    }

    @TestTemplate
    void everyUiRouteHasARow(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Set<String> registered = ui.server.routes().stream().filter(r -> !ControlServer.isApi(r.path()))
                    .map(r -> r.method() + " " + r.path()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> rows = TABLE.stream().map(Row::route).collect(Collectors.toCollection(TreeSet::new));
            assertThat(rows).hasSize(TABLE.size());
            assertThat(rows).isEqualTo(registered);
        }
    }
}
