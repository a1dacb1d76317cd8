package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The UI's pages on a real port, on H2 and PostgreSQL. */
@ExtendWith(DatabaseExtension.class)
@Timeout(300)
class UiPagesIT {

    @TestTemplate
    void loginForm_needsItsPreSessionToken_thenLogsInAndOut(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.EN);
            Account account = ui.customerAccount(customer.id());
            TestUi.Browser browser = ui.browser();

            TestUi.Page anonymous = browser.get("/servers");
            assertThat(anonymous.status()).isEqualTo(303);
            assertThat(anonymous.location()).isEqualTo("/login?next=%2Fservers");

            TestUi.Page form = browser.get("/login?next=/servers");
            assertThat(form.status()).isEqualTo(200);
            String token = form.field("login_csrf");
            assertThat(browser.cookies).containsEntry(LoginRoutes.LOGIN_CSRF_COOKIE, token);

            // Without the field, and with a field that is not the cookie's: refused, no session.
            TestUi.Page noField = browser.post("/login", Map.of("login", account.login(), "password", TestUi.PASSWORD));
            assertThat(noField.status()).isEqualTo(403);
            assertThat(browser.cookies).doesNotContainKey("steward_session");
            String fresh = noField.field("login_csrf");
            TestUi.Page forged = browser.post("/login", Map.of("login", account.login(), "password", TestUi.PASSWORD,
                    "login_csrf", fresh + "x"));
            assertThat(forged.status()).isEqualTo(403);
            assertThat(browser.cookies).doesNotContainKey("steward_session");
            // A field without the cookie (a cross-site form cannot set it) is refused too.
            TestUi.Browser crossSite = ui.browser();
            assertThat(crossSite.post("/login", Map.of("login", account.login(), "password", TestUi.PASSWORD,
                    "login_csrf", forged.field("login_csrf"))).status()).isEqualTo(403);

            String current = forged.field("login_csrf");
            TestUi.Page wrongPassword = browser.post("/login", Map.of("login", account.login(), "password", "nope",
                    "login_csrf", current));
            assertThat(wrongPassword.status()).isEqualTo(401);
            assertThat(wrongPassword.body()).contains("The login or password is not correct.");

            TestUi.Page ok = browser.post("/login", Map.of("login", account.login(), "password", TestUi.PASSWORD,
                    "login_csrf", wrongPassword.field("login_csrf"), "next", "/servers"));
            assertThat(ok.status()).isEqualTo(303);
            assertThat(ok.location()).isEqualTo("/servers");
            assertThat(browser.cookies).containsKey("steward_session").doesNotContainKey(LoginRoutes.LOGIN_CSRF_COOKIE);

            TestUi.Page servers = browser.get("/servers");
            assertThat(servers.status()).isEqualTo(200);
            String csrf = servers.field("csrf_token");

            // An authenticated form post without the session's token is refused (Access), with an HTML page.
            TestUi.Page logoutWithout = browser.post("/logout", Map.of());
            assertThat(logoutWithout.status()).isEqualTo(403);
            assertThat(logoutWithout.body()).startsWith("<!DOCTYPE html>").contains("csrf_token_invalid");
            assertThat(browser.get("/servers").status()).isEqualTo(200);

            TestUi.Page logout = browser.post("/logout", Map.of("csrf_token", csrf));
            assertThat(logout.status()).isEqualTo(303);
            assertThat(browser.cookies).doesNotContainKey("steward_session");
            assertThat(browser.get("/servers").status()).isEqualTo(303);
        }
    }

    @TestTemplate
    void nextParameter_isNeverAnOpenRedirect(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Account account = ui.customerAccount(ui.customer(Language.EN).id());
            TestUi.Browser browser = ui.browser();
            String token = browser.get("/login").field("login_csrf");
            TestUi.Page ok = browser.post("/login", Map.of("login", account.login(), "password", TestUi.PASSWORD,
                    "login_csrf", token, "next", "//evil.example/"));
            assertThat(ok.location()).isEqualTo("/servers");
            assertThat(browser.get("/language/nl?back=https://evil.example/").location()).isEqualTo("/");
        }
    }

    @TestTemplate
    void dnsStatus_wrongSpf_showsTheProposedRecord(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.EN);
            Account account = ui.customerAccount(customer.id());
            int n = TestUi.next();
            Server server = ui.server(customer.id(), ui.application().id(), "app" + n + ".shop.test", "192.0.2." + (n % 250 + 1),
                    "2001:db8::" + Integer.toHexString(n));
            List<ServerAddress> addresses = ui.deps.servers().addresses(server.id());
            String ipv4 = addresses.get(0).address();
            String ipv6 = addresses.get(1).address();
            dns.replaceZone(DnsZone.builder()
                    .a(server.appHost(), ipv4).aaaa(server.appHost(), ipv6)
                    .txt(server.appHost(), "v=spf1 ip4:198.51.100.7 include:_spf.mailer.test ~all")
                    .txt("_spf.mailer.test", "v=spf1 ip4:203.0.113.0/24 -all")
                    .build());

            TestUi.Page page = ui.loggedIn(account).get("/servers/" + server.id() + "/dns");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"dns-summary\"").contains("Something must be fixed");
            Matcher proposed = Pattern.compile("<section class=\"card\" id=\"check-spf\">.*?<tr class=\"change-publish\">.*?class=\"record proposed\"[^>]*>([^<]*)<",
                    Pattern.DOTALL).matcher(page.body());
            assertThat(proposed.find()).as("a proposed SPF record in %s", page.body()).isTrue();
            assertThat(proposed.group(1)).startsWith("v=spf1").contains("ip4:198.51.100.7").contains("ip4:" + ipv4)
                    .contains("ip6:" + ipv6).contains("include:_spf.mailer.test").endsWith("~all");
            // The copy buttons are progressive enhancement: the record is plain text in the page.
            assertThat(page.body()).contains("data-copy").contains("<script src=\"/static/steward.js\" defer>");
            assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'");
        }
    }

    @TestTemplate
    void package_storageRuleExplainedBeforehand_downgradeRefusedInDutch(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer dutch = ui.customer(Language.NL);
            Account account = ui.customerAccount(dutch.id());
            Application application = ui.application();
            Server server = ui.server(dutch.id(), application.id());
            TestUi.Browser browser = ui.loggedIn(account);

            TestUi.Page before = browser.get("/servers/" + server.id() + "/package");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.body()).contains("na een upgrade van de opslagruimte kan je niet meer terug naar het standard pakket")
                    .contains("name=\"confirm_storage\"");

            // Without ticking the box, nothing is requested.
            TestUi.Page unconfirmed = browser.post("/servers/" + server.id() + "/package",
                    Map.of("kind", "upgrade_cpu_ram_storage"));
            assertThat(unconfirmed.status()).isEqualTo(422);
            assertThat(ui.deps.changes().forServer(server.id())).isEmpty();

            TestUi.Page upgrade = browser.post("/servers/" + server.id() + "/package",
                    Map.of("kind", "upgrade_cpu_ram_storage", "confirm_storage", "yes"));
            assertThat(upgrade.status()).isEqualTo(303);
            long id = ui.deps.changes().forServer(server.id()).getFirst().id();
            Actor operator = Actor.operator("op");
            ui.deps.changes().approve(operator, id);
            ui.deps.changes().schedule(operator, id, Instant.parse("2030-01-07T05:00:00Z"));
            ui.deps.changes().complete(operator, id, null);

            TestUi.Page downgrade = browser.post("/servers/" + server.id() + "/package", Map.of("kind", "downgrade"));
            assertThat(downgrade.status()).isEqualTo(422);
            assertThat(downgrade.body()).contains(
                    "Terug naar standaard kan niet, omdat de opslag werd geüpgraded en niet kan krimpen.");
            assertThat(ui.deps.changes().forServer(server.id())).hasSize(1);
            assertThat(ui.deps.changes().forServer(server.id()).getFirst().kind())
                    .isEqualTo(PackageChangeKind.UPGRADE_CPU_RAM_STORAGE);
        }
    }

    @TestTemplate
    void language_customerDefault_switchCookie_operatorEnglish(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            TestUi.Browser dutch = ui.loggedIn(ui.customerAccount(ui.customer(Language.NL).id()));
            assertThat(dutch.get("/servers").body()).contains("<html lang=\"nl\">").contains("Mijn servers");

            TestUi.Page switched = dutch.get("/language/en?back=/servers");
            assertThat(switched.status()).isEqualTo(303);
            assertThat(switched.location()).isEqualTo("/servers");
            assertThat(dutch.cookies).containsEntry(Ui.LANGUAGE_COOKIE, "en");
            assertThat(dutch.get("/servers").body()).contains("<html lang=\"en\">").contains("My servers");

            TestUi.Browser operator = ui.loggedIn(ui.operator());
            assertThat(operator.get("/operator/servers").body()).contains("<html lang=\"en\">").contains("Fleet");
            operator.get("/language/nl?back=/operator/servers");
            assertThat(operator.get("/operator/servers").body()).contains("<html lang=\"nl\">");

            TestUi.Browser anonymous = ui.browser();
            anonymous.headers.put("Accept-Language", "nl-BE,nl;q=0.9");
            assertThat(anonymous.get("/specifications").body()).contains("Algemene specificaties");
        }
    }

    @TestTemplate
    void specifications_publicTablePerApplicationAndPackage(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Application application = ui.application();
            TestUi.Page page = ui.browser().get("/specifications");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("AMD EPYC 2nd Gen").contains("ECC").contains("RAID10")
                    .containsPattern("<td>" + application.name() + "</td>\\s*<td>2</td>\\s*<td>4 GiB</td>\\s*<td>40 GiB</td>"
                            + "\\s*<td>4</td>\\s*<td>8 GiB</td>\\s*<td>80 GiB</td>");
        }
    }

    @TestTemplate
    void fleet_keysetPages_filterAndSearch(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.EN);
            Application application = ui.application();
            for (int i = 0; i < 60; i++) {
                ui.server(customer.id(), application.id());
            }
            TestUi.Browser operator = ui.loggedIn(ui.operator());
            TestUi.Page first = operator.get("/operator/servers?application=" + application.id());
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("60 servers match");
            assertThat(rows(first.body())).isEqualTo(50);
            Matcher next = Pattern.compile("id=\"next-page\" href=\"([^\"]+)\"").matcher(first.body());
            assertThat(next.find()).isTrue();
            TestUi.Page second = operator.get(next.group(1).replace("&amp;", "&"));
            assertThat(rows(second.body())).isEqualTo(10);
            assertThat(second.body()).doesNotContain("id=\"next-page\"");

            Server one = ui.server(customer.id(), application.id());
            TestUi.Page search = operator.get("/operator/servers?q=" + one.appHost());
            assertThat(rows(search.body())).isEqualTo(1);
            assertThat(search.body()).contains(one.name().toString());
        }
    }

    @TestTemplate
    void operatorForms_registerAndCarryOutARequest_customerSeesMailSetup(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.EN);
            Application application = ui.application();
            TestUi.Browser operator = ui.loggedIn(ui.operator());
            int n = TestUi.next();
            String name = String.format("cln%03d-prd-app%03d.%s", n, n, TestUi.DOMAIN);
            TestUi.Page registered = operator.post("/operator/servers", Map.of("name", name, "customer",
                    Long.toString(customer.id()), "application", Long.toString(application.id()),
                    "app_host", "unifi" + n + ".jouwfirma.test", "ipv4", "192.0.2.77", "ipv6", "2001:db8::77"));
            assertThat(registered.status()).isEqualTo(303);
            Server server = ui.deps.servers().findByName(name).orElseThrow();

            // An invalid registration comes back filled in, with the reason, and stores nothing.
            TestUi.Page invalid = operator.post("/operator/servers", Map.of("name", "not-a-server-name", "customer",
                    Long.toString(customer.id()), "application", Long.toString(application.id()),
                    "app_host", "x.jouwfirma.test", "ipv4", "192.0.2.78", "ipv6", "2001:db8::78"));
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.body()).contains("value=\"not-a-server-name\"").contains("server name must look like");

            TestUi.Browser owner = ui.loggedIn(ui.customerAccount(customer.id()));
            TestUi.Page mail = owner.get("/servers/" + server.id() + "/mail");
            assertThat(mail.body()).contains("<dd><span class=\"record\" data-copy>localhost</span></dd>")
                    .contains("<dd><span class=\"record\" data-copy>25</span></dd>")
                    .contains("unifi" + n + ".jouwfirma.test or one of its subdomains");
            assertThat(owner.post("/servers/" + server.id() + "/package", Map.of("kind", "extra_ipv4")).status())
                    .isEqualTo(303);
            long id = ui.deps.changes().forServer(server.id()).getFirst().id();

            assertThat(operator.get("/operator/requests").body()).contains("id=\"request-" + id + "\"");
            assertThat(operator.post("/operator/requests/" + id + "/approve", Map.of()).status()).isEqualTo(303);
            assertThat(operator.post("/operator/requests/" + id + "/schedule", Map.of("scheduled_for", "2030-01-07T05:00"))
                    .status()).isEqualTo(303);
            assertThat(ui.deps.changes().find(id).orElseThrow().scheduledFor())
                    .isEqualTo(Instant.parse("2030-01-07T04:00:00Z")); // Brussels winter time
            // Approving again is a conflict, shown as a page.
            TestUi.Page again = operator.post("/operator/requests/" + id + "/approve", Map.of());
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body()).startsWith("<!DOCTYPE html>");
            assertThat(operator.post("/operator/requests/" + id + "/done", Map.of("assigned_address", "192.0.2.99"))
                    .status()).isEqualTo(303);
            assertThat(ui.deps.servers().addresses(server.id())).extracting(ServerAddress::address).contains("192.0.2.99");
            assertThat(operator.get("/operator/audit").body()).contains("192.0.2.99");
        }
    }

    @TestTemplate
    void operatorCustomerPages_createCustomerAccountWindowsAndBlackouts(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            TestUi.Browser operator = ui.loggedIn(ui.operator());
            int n = TestUi.next();
            String name = "Jouw Firma " + n;

            // A refused form comes back filled in, with the reason, and stores nothing.
            TestUi.Page invalid = operator.post("/operator/customers", Map.of("name", name, "contacts", "not-an-address",
                    "language", "nl", "time_zone", "Europe/Brussels"));
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.body()).contains("not a contact address: not-an-address").contains("value=\"" + name + "\"");
            TestUi.Page badZone = operator.post("/operator/customers", Map.of("name", name, "contacts", "it@firma.example",
                    "language", "nl", "time_zone", "Europe/Nowhere"));
            assertThat(badZone.status()).isEqualTo(400);
            assertThat(badZone.body()).contains("not a time zone");
            assertThat(ui.deps.customers().list()).extracting(Customer::name).doesNotContain(name);

            TestUi.Page created = operator.post("/operator/customers", Map.of("name", name,
                    "contacts", "it@firma.example, beheer@firma.example", "language", "nl", "time_zone", "Europe/Amsterdam"));
            assertThat(created.status()).isEqualTo(303);
            Customer customer = ui.deps.customers().list().stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow();
            assertThat(created.location()).isEqualTo("/operator/customers/" + customer.id() + "?saved=1");
            assertThat(customer.contacts()).containsExactly("it@firma.example", "beheer@firma.example");
            assertThat(customer.language()).isEqualTo(Language.NL);
            assertThat(customer.timeZone().getId()).isEqualTo("Europe/Amsterdam");
            assertThat(operator.get("/operator/customers").body()).contains(">" + name + "</a>");

            // An account with a generated password, shown once, that logs in; disabled, it does not.
            String login = "it" + n + "@firma.example";
            TestUi.Page account = operator.post("/operator/customers/" + customer.id() + "/accounts",
                    Map.of("login", login));
            assertThat(account.status()).isEqualTo(201);
            Matcher shown = Pattern.compile("with the password ([A-Za-z0-9_-]{24}) ").matcher(account.body());
            assertThat(shown.find()).as(account.body()).isTrue();
            assertThat(ui.deps.authenticator().login(login, shown.group(1), "127.0.0.1").principal().customerId())
                    .isEqualTo(customer.id());
            assertThat(operator.get("/operator/customers/" + customer.id()).body()).doesNotContain(shown.group(1));
            TestUi.Page tooShort = operator.post("/operator/customers/" + customer.id() + "/accounts",
                    Map.of("login", "short" + n + "@firma.example", "password", "abc"));
            assertThat(tooShort.status()).isEqualTo(400);
            long accountId = ui.deps.accounts().findByLogin(login).orElseThrow().id();
            assertThat(operator.post("/operator/customers/" + customer.id() + "/accounts/" + accountId + "/disable",
                    Map.of()).status()).isEqualTo(303);
            assertThat(ui.deps.accounts().find(accountId).orElseThrow().disabled()).isTrue();
            // Another customer's account is not reachable through this customer's page.
            Customer other = ui.customer(Language.EN);
            long othersAccount = ui.customerAccount(other.id()).id();
            assertThat(operator.post("/operator/customers/" + customer.id() + "/accounts/" + othersAccount + "/disable",
                    Map.of()).status()).isEqualTo(404);

            // Windows: a wrong form is refused with the rule; a right one overrides the fleet's.
            TestUi.Page badWindow = operator.post("/operator/customers/" + customer.id() + "/windows",
                    Map.of("os_window", "MAANDAG 05:00-07:00"));
            assertThat(badWindow.status()).isEqualTo(400);
            assertThat(badWindow.body()).contains("not a day of the week");
            assertThat(operator.post("/operator/customers/" + customer.id() + "/windows",
                    Map.of("os_window", "tuesday 04:00-06:00", "app_window", "", "window_zone", "")).status())
                    .isEqualTo(303);
            assertThat(ui.deps.maintenance().schedule(customer.id()).os().text()).isEqualTo("TUESDAY 04:00-06:00");
            assertThat(ui.deps.maintenance().schedule(customer.id()).app().text()).isEqualTo("MONDAY 07:00-09:00");
            assertThat(operator.get("/operator/customers/" + customer.id()).body())
                    .contains("value=\"TUESDAY 04:00-06:00\"");

            // Blackouts for the customer and for one of its servers; only its own can be removed here.
            Server server = ui.server(customer.id(), ui.application().id());
            assertThat(operator.post("/operator/customers/" + customer.id() + "/blackouts", Map.of("first_day",
                    "2031-12-22", "last_day", "2032-01-02", "reason", "year-end closing")).status()).isEqualTo(303);
            assertThat(operator.post("/operator/customers/" + customer.id() + "/blackouts", Map.of("first_day",
                    "2031-06-02", "server", Long.toString(server.id()), "reason", "migration")).status()).isEqualTo(303);
            TestUi.Page notOurs = operator.post("/operator/customers/" + customer.id() + "/blackouts", Map.of(
                    "first_day", "2031-06-02", "server", Long.toString(ui.server(other.id(), ui.application().id()).id()),
                    "reason", "x"));
            assertThat(notOurs.status()).isEqualTo(400);
            assertThat(ui.deps.maintenance().blackoutDates(customer.id(), server.id(), java.time.LocalDate.of(2031, 1, 1))
                    .blocks(java.time.LocalDate.of(2031, 6, 2))).isTrue();
            String page = operator.get("/operator/customers/" + customer.id()).body();
            assertThat(page).contains("year-end closing").contains("migration").contains(server.name().toString());
            long othersBlackout = ui.deps.maintenance().addBlackout(Actor.operator("op"), other.id(), null,
                    java.time.LocalDate.of(2031, 3, 3), java.time.LocalDate.of(2031, 3, 3), "theirs").id();
            assertThat(operator.post("/operator/customers/" + customer.id() + "/blackouts/" + othersBlackout + "/delete",
                    Map.of()).status()).isEqualTo(404);
            long ours = ui.deps.maintenance().blackoutsOfCustomer(customer.id(), java.time.LocalDate.MIN).getFirst().id();
            assertThat(operator.post("/operator/customers/" + customer.id() + "/blackouts/" + ours + "/delete",
                    Map.of()).status()).isEqualTo(303);
            assertThat(ui.deps.maintenance().blackoutsOfCustomer(customer.id(), java.time.LocalDate.MIN)).hasSize(1);
            assertThat(operator.get("/operator/audit").body()).contains("blackout.removed")
                    .contains("customer.maintenance_windows_set");
        }
    }

    private static int rows(String body) {
        int start = body.indexOf("<table id=\"fleet\">");
        String table = body.substring(start, body.indexOf("</table>", start));
        return table.split("<tr>", -1).length - 2; // minus the header row and the text before the first
    }

    @TestTemplate
    void unknownPage_isHtml404_apiStaysJson(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            TestUi.Page page = ui.browser().get("/no-such-page");
            assertThat(page.status()).isEqualTo(404);
            assertThat(page.body()).startsWith("<!DOCTYPE html>");
            TestUi.Page api = ui.browser().get("/api/v1/no-such");
            assertThat(api.status()).isEqualTo(404);
            assertThat(api.body()).startsWith("{").contains("\"code\":\"not_found\"");
        }
    }
}
