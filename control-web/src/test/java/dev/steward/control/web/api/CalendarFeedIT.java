package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.notify.MaintenanceNoticeMessage;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The iCal feed over HTTP: the token made through the API (own customer or operator), the feed read
 * without any credential but the address, its events (the pipeline's planned updates and the weekly
 * OS windows), and a replaced or unknown address being 404.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class CalendarFeedIT {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    @TestTemplate
    void theFeed_carriesTheCustomersPlannedUpdatesAndOsWindows_andOnlyTheirs(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer own = api.customer();
            Customer other = api.customer();
            Application app = api.application();
            Server first = api.server(own.id(), app.id());
            Server second = api.server(own.id(), app.id());
            Server foreign = api.server(other.id(), app.id());
            PipelineRows rows = new PipelineRows(database);
            Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            long window = rows.window(WindowKind.APP, start, start.plus(2, ChronoUnit.HOURS));
            long release = rows.release(app.id(), "2.0.0", "1.0.0", "MAJOR", false, "");
            rows.target(release, first.id(), window, "PLANNED");
            rows.target(release, second.id(), window, "QUEUED");
            rows.target(release, foreign.id(), window, "PLANNED");
            long passed = rows.release(app.id(), "1.9.0", "1.0.0", "MINOR", false, "");
            long past = rows.window(WindowKind.APP, start.minus(10, ChronoUnit.DAYS), start.minus(9, ChronoUnit.DAYS));
            rows.target(passed, first.id(), past, "PLANNED");

            String token = api.token(api.customerAccount(own.id()));
            TestApi.Reply made = api.send("POST", "/api/v1/customers/" + own.id() + "/calendar-token", null,
                    TestApi.Auth.bearer(token));
            assertThat(made.status()).isEqualTo(200);
            assertThat(made.header("Cache-Control")).isEqualTo("no-store");
            String feedToken = made.json().get("token").asText();
            assertThat(made.json().get("path").asText()).isEqualTo("/calendar/" + feedToken + ".ics");
            assertThat(made.json().get("url").asText()).isEqualTo("http://127.0.0.1:" + api.server.port()
                    + "/calendar/" + feedToken + ".ics");

            var feed = feed(api, "/calendar/" + feedToken + ".ics");
            assertThat(feed.statusCode()).isEqualTo(200);
            assertThat(feed.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/calendar");
            assertThat(feed.headers().firstValue("Cache-Control").orElseThrow()).isEqualTo("no-store");
            List<Map<String, String>> events = events(feed.body());
            Map<String, String> update = events.stream().filter(e -> e.get("UID").startsWith("release-")).findFirst()
                    .orElseThrow();
            assertThat(events.stream().filter(e -> e.get("UID").startsWith("release-"))).hasSize(1);
            assertThat(update.get("UID")).isEqualTo(MaintenanceNoticeMessage.uid(release, own.id(), TestApi.DOMAIN));
            assertThat(update.get("DTSTART")).isEqualTo(UTC.format(start));
            assertThat(update.get("DTEND")).isEqualTo(UTC.format(start.plus(2, ChronoUnit.HOURS)));
            String summary = own.language() == Language.NL ? "Update " + app.name() + " naar 2.0.0"
                    : "Update of " + app.name() + " to 2.0.0";
            assertThat(update.get("SUMMARY")).isEqualTo(summary);
            assertThat(update.get("DESCRIPTION")).contains(first.appHost(), second.appHost()).doesNotContain(foreign.appHost());

            List<Map<String, String>> os = events.stream().filter(e -> e.get("UID").startsWith("os-")).toList();
            assertThat(os).hasSizeBetween(8, 9); // 9 while a window is in progress
            for (Map<String, String> event : os) {
                ZonedDateTime local = Instant.from(UTC.parse(event.get("DTSTART"))).atZone(ZoneId.of("Europe/Brussels"));
                assertThat(local.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
                assertThat(local.toLocalTime()).isEqualTo(LocalTime.of(5, 0));
                assertThat(event.get("DESCRIPTION")).contains(first.appHost(), second.appHost());
            }
            assertThat(feed.body()).doesNotContain(foreign.appHost(), "1.9.0");

            // The other customer may not make this customer's address; an operator may (and replaces it).
            String otherToken = api.token(api.customerAccount(other.id()));
            assertThat(api.send("POST", "/api/v1/customers/" + own.id() + "/calendar-token", null,
                    TestApi.Auth.bearer(otherToken)).status()).isEqualTo(404);
            assertThat(api.send("POST", "/api/v1/customers/" + own.id() + "/calendar-token", null,
                    TestApi.Auth.NONE).status()).isEqualTo(401);
            TestApi.Reply replaced = api.send("POST", "/api/v1/customers/" + own.id() + "/calendar-token", null,
                    TestApi.Auth.bearer(api.token(api.operator())));
            assertThat(replaced.status()).isEqualTo(200);
            assertThat(feed(api, "/calendar/" + feedToken + ".ics").statusCode())
                    .isEqualTo(404);
            assertThat(feed(api, "/calendar/" + replaced.json().get("token").asText() + ".ics").statusCode()).isEqualTo(200);
            assertThat(feed(api, "/calendar/no-such-token.ics").statusCode()).isEqualTo(404);
            assertThat(api.deps.audit().forEntity("customer", own.id())).extracting(AuditEntry::action)
                    .containsSubsequence("customer.calendar_token_set", "customer.calendar_token_set");
        }
    }

    @TestTemplate
    void aCustomerWithoutServers_getsAnEmptyButValidCalendar(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer lonely = api.customer();
            String feedToken = api.deps.customerCalendar().repository().issueToken(TestApi.SETUP, lonely.id());
            var feed = feed(api, "/calendar/" + feedToken + ".ics");
            assertThat(feed.statusCode()).isEqualTo(200);
            assertThat(feed.body()).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
                    .endsWith("END:VCALENDAR\r\n").doesNotContain("BEGIN:VEVENT");
        }
    }

    /** A GET without credentials, the body as text (TestApi.send reads JSON). */
    static java.net.http.HttpResponse<String> feed(TestApi api, String path) {
        try {
            return api.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + api.server.port() + path)).timeout(java.time.Duration.ofSeconds(20)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The VEVENTs of a calendar as property maps (lines unfolded, parameters dropped, values raw). */
    static List<Map<String, String>> events(String calendar) {
        List<Map<String, String>> events = new ArrayList<>();
        Map<String, String> current = null;
        for (String line : calendar.replace("\r\n ", "").split("\r\n")) {
            if (line.equals("BEGIN:VEVENT")) {
                current = new LinkedHashMap<>();
            } else if (line.equals("END:VEVENT")) {
                events.add(current);
                current = null;
            } else if (current != null) {
                int colon = line.indexOf(':');
                current.put(line.substring(0, colon).split(";")[0], line.substring(colon + 1));
            }
        }
        return events;
    }
}
