package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.api.PipelineRows;
import dev.steward.control.web.notify.MaintenanceTexts;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The customer's "upcoming maintenance" page over HTTP, without JavaScript: the list in the
 * customer's zone and language, the policy in words, and the feed address made by a plain form post
 * (with the session's CSRF token) and shown once.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class MaintenancePageIT {

    @TestTemplate
    void theList_inTheCustomersZone_thePolicy_andTheFeedAddressMadeByAForm(Database database) throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            ZoneId newYork = ZoneId.of("America/New_York");
            Customer customer = ui.deps.customers().create(TestUi.SETUP, new Customer(0, "Acme " + TestUi.next(),
                    List.of("ops@acme.example"), Language.EN, newYork));
            Application app = ui.application();
            Server server = ui.server(customer.id(), app.id());
            PipelineRows rows = new PipelineRows(database);
            Instant start = Instant.now().plus(4, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            long window = rows.window(WindowKind.EMERGENCY, start, start.plus(1, ChronoUnit.HOURS));
            long release = rows.release(app.id(), "3.1.0", "3.0.2", "MINOR", true, "CVE-2026-4242");
            rows.target(release, server.id(), window, "PLANNED");
            TestUi.Browser browser = ui.loggedIn(ui.customerAccount(customer.id()));

            TestUi.Page page = browser.get("/maintenance");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<a href=\"/maintenance\">Planned maintenance</a>",
                    "All times are in your time zone (America/New_York).",
                    MaintenanceTexts.window(start.atZone(newYork), start.plus(1, ChronoUnit.HOURS).atZone(newYork),
                            newYork, Language.EN),
                    "Urgent security update of " + app.name() + " from version 3.0.2 to version 3.1.0",
                    "CVE: CVE-2026-4242", server.appHost(),
                    "Operating system updates (a short reboot is possible)",
                    "Operating system: every Monday from 05:00 to 07:00 (Europe/Brussels).",
                    "Application updates: every Monday from 07:00 to 09:00 (Europe/Brussels).",
                    "at least one week ahead", "Patch updates (bug fixes) are tested the same way",
                    "on any day, preferably early in the morning", "You have no calendar address yet.",
                    "action=\"/maintenance/calendar-token\"");
            assertThat(page.body()).doesNotContain("id=\"feed-url\"");

            // Without the CSRF token the form is refused.
            assertThat(browser.post("/maintenance/calendar-token", Map.of("csrf_token", "forged")).status())
                    .isEqualTo(403);
            TestUi.Page made = browser.post("/maintenance/calendar-token", Map.of());
            assertThat(made.status()).isEqualTo(200);
            Matcher url = Pattern.compile("id=\"feed-url\" data-copy>(http://[^<]+)<").matcher(made.body());
            assertThat(url.find()).as(made.body()).isTrue();
            assertThat(made.body()).contains("it is shown only once");
            String path = url.group(1).substring(url.group(1).indexOf("/calendar/"));
            TestUi.Page feed = ui.browser().get(path);
            assertThat(feed.status()).isEqualTo(200);
            assertThat(feed.body()).contains("BEGIN:VEVENT", "CVE-2026-4242");

            // Later the address is not shown again, only that one exists.
            TestUi.Page again = browser.get("/maintenance");
            assertThat(again.body()).contains("You already have a calendar address.").doesNotContain(path);
        }
    }

    @TestTemplate
    void dutch_andTheOperatorChoosesTheCustomer(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.NL);
            ui.server(customer.id(), ui.application().id());
            TestUi.Page page = ui.loggedIn(ui.customerAccount(customer.id())).get("/maintenance");
            assertThat(page.body()).contains("<a href=\"/maintenance\">Gepland onderhoud</a>",
                    "Besturingssysteem: elke maandag van 05:00 tot 07:00 (Europe/Brussels).",
                    "Applicatie-updates: elke maandag van 07:00 tot 09:00 (Europe/Brussels).",
                    "Updates van het besturingssysteem (een korte herstart is mogelijk)",
                    "minstens een week op voorhand", "Je hebt nog geen agenda-adres.");
            assertThat(page.body()).containsPattern("maandag \\d{1,2} [a-z]+ \\d{4}, 05:00\u201307:00 \\(Europe/Brussels\\)");

            Account operator = ui.operator();
            TestUi.Browser browser = ui.loggedIn(operator);
            assertThat(browser.get("/maintenance").status()).isEqualTo(303);
            TestUi.Page chosen = browser.get("/maintenance?customer=" + customer.id());
            assertThat(chosen.status()).isEqualTo(200);
            assertThat(chosen.body()).contains(customer.name());
            assertThat(browser.get("/maintenance?customer=999999999").status()).isEqualTo(404);
        }
    }
}
