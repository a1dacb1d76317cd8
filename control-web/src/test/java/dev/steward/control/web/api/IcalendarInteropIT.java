package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.store.Database;
import dev.steward.control.web.notify.MaintenanceNotice;
import dev.steward.control.web.notify.MaintenanceNoticeMessage;
import dev.steward.control.web.notify.MaintenanceNoticeSender;
import dev.steward.control.web.notify.SmtpMaintenanceNoticeSender;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.testkit.RecordingSmtpServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our calendars read by Python's icalendar (Debian {@code python3-icalendar}, through Debian's
 * {@code /usr/bin/python3}) and the notice's MIME structure by Python's {@code email} package: a
 * notice sent over SMTP to a {@link RecordingSmtpServer} and the customer's feed fetched over HTTP
 * from a control plane on an embedded H2 database. The reader is {@code ics_events.py} (a test
 * resource), which prints JSON.
 *
 * <p>An interop test ({@code make interop}; {@code scripts/install-peers} installs the package): it
 * never runs in {@code make test}. A missing package fails the test with the command that installs
 * it; it is never skipped. The Python run is bounded.
 */
@Timeout(120)
class IcalendarInteropIT {

    static final Path PYTHON3 = Path.of("/usr/bin/python3");
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    @TempDir
    Path work;

    @Test
    void theNoticeAttachment_andTheFeed_parseInPythonsIcalendar_withTheRightEvents() throws Exception {
        assertThat(Files.isExecutable(PYTHON3)).as("Debian's /usr/bin/python3 is missing (as root: scripts/install-peers)")
                .isTrue();
        Process probe = new ProcessBuilder(PYTHON3.toString(), "-c", "import icalendar").redirectErrorStream(true).start();
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("python3-icalendar is not installed (as root: scripts/install-peers): "
                + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

        Database database = Database.embedded(work.resolve("control-db"), 4, Clock.systemUTC());
        try (database; RecordingSmtpServer smtp = RecordingSmtpServer.startPlain();
             TestApi api = new TestApi(database, 5, SmtpSubmission.to(smtp.host(), smtp.port(), TestApi.DOMAIN))) {
            Customer customer = api.deps.customers().create(TestApi.SETUP, new Customer(0, "Klant " + TestApi.next(),
                    List.of("it@klant.example"), Language.NL, BRUSSELS));
            Application app = api.application();
            Server server = api.server(customer.id(), app.id());
            Instant start = Instant.now().plus(9, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            Instant end = start.plus(2, ChronoUnit.HOURS);
            PipelineRows rows = new PipelineRows(database);
            long window = rows.window(WindowKind.APP, start, end);
            long release = rows.release(app.id(), "2.0.0", "1.0.0", "MAJOR", false, "");
            rows.target(release, server.id(), window, "PLANNED");

            // The notice, through the wired sender, over SMTP.
            MaintenanceNotice notice = new MaintenanceNotice(release, customer, app.name(), "1.0.0", "2.0.0",
                    ChangeClass.MAJOR, false, List.of(), new WindowOccurrence(WindowKind.APP, start.atZone(BRUSSELS),
                    end.atZone(BRUSSELS)), "Nieuw: rapporten, export; sneller.\nC:\\pad blijft \"gelijk\".",
                    "Maak een back-up; controleer je plug-ins.", "Meld je opnieuw aan.", List.of(server.appHost()));
            assertThat(api.deps.maintenanceNotices()).isInstanceOf(SmtpMaintenanceNoticeSender.class);
            MaintenanceNoticeSender.Sent sent = api.deps.maintenanceNotices().send(notice);
            Path eml = work.resolve("notice.eml");
            Files.write(eml, smtp.awaitMessages(1, Duration.ofSeconds(10)).getFirst().content());

            // The feed, over HTTP.
            String token = api.deps.customerCalendar().repository().issueToken(TestApi.SETUP, customer.id());
            var feed = CalendarFeedIT.feed(api, "/calendar/" + token + ".ics");
            assertThat(feed.statusCode()).isEqualTo(200);
            Path ics = work.resolve("feed.ics");
            Files.write(ics, feed.body().getBytes(StandardCharsets.UTF_8));

            JsonNode result = read(eml, ics);

            String uid = MaintenanceNoticeMessage.uid(release, customer.id(), TestApi.DOMAIN);
            JsonNode fromNotice = result.get("files").get(0);
            JsonNode mime = fromNotice.get("mime");
            assertThat(mime.get("defects")).as(mime.toString()).isEmpty();
            assertThat(mime.get("type").asText()).isEqualTo("multipart/mixed");
            assertThat(mime.get("subject").asText()).isEqualTo(sent.subject());
            assertThat(mime.get("filename").asText()).isEqualTo("maintenance.ics");
            assertThat(mime.get("calendar_method").asText()).isEqualTo("PUBLISH");
            assertThat(mime.get("calendar_charset").asText()).isEqualToIgnoringCase("utf-8");
            assertThat(mime.get("text_charset").asText()).isEqualToIgnoringCase("utf-8");
            assertThat(mime.get("text").asText()).contains("Wanneer:", "naar versie 2.0.0", "(Europe/Brussels)",
                    "Maak een back-up; controleer je plug-ins.");
            JsonNode noticeEvent = onlyEvent(fromNotice);
            assertThat(noticeEvent.get("uid").asText()).isEqualTo(uid);
            assertThat(instant(noticeEvent, "start")).isEqualTo(start);
            assertThat(instant(noticeEvent, "end")).isEqualTo(end);
            assertThat(noticeEvent.get("utc").asBoolean()).isTrue();
            assertThat(noticeEvent.get("summary").asText()).isEqualTo("Update " + app.name() + " naar 2.0.0");
            assertThat(noticeEvent.get("description").asText())
                    .contains("Nieuw: rapporten, export; sneller.\nC:\\pad blijft \"gelijk\".");

            JsonNode fromFeed = result.get("files").get(1);
            for (JsonNode file : List.of(fromNotice, fromFeed)) {
                JsonNode calendar = file.get("calendar");
                assertThat(calendar.get("version").asText()).isEqualTo("2.0");
                assertThat(calendar.get("prodid").asText()).isEqualTo(MaintenanceNoticeMessage.PRODID);
                assertThat(calendar.get("method").asText()).isEqualTo("PUBLISH");
                assertThat(calendar.get("calscale").asText()).isEqualTo("GREGORIAN");
                assertThat(file.get("longest_line").asInt()).isLessThanOrEqualTo(75);
                assertThat(file.get("bare_lf").asInt()).isZero();
            }
            List<JsonNode> updates = new ArrayList<>();
            List<JsonNode> os = new ArrayList<>();
            fromFeed.get("events").forEach(event -> (event.get("uid").asText().startsWith("os-") ? os : updates).add(event));
            assertThat(updates).hasSize(1);
            JsonNode feedEvent = updates.getFirst();
            assertThat(feedEvent.get("uid").asText()).isEqualTo(uid); // the notice's event, updated by the feed
            assertThat(instant(feedEvent, "start")).isEqualTo(start);
            assertThat(instant(feedEvent, "end")).isEqualTo(end);
            assertThat(feedEvent.get("summary").asText()).isEqualTo(noticeEvent.get("summary").asText());
            assertThat(os).hasSizeBetween(8, 9);
            for (JsonNode event : os) {
                var local = instant(event, "start").atZone(BRUSSELS);
                assertThat(local.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
                assertThat(local.getHour()).isEqualTo(5);
                assertThat(Duration.between(instant(event, "start"), instant(event, "end"))).isEqualTo(Duration.ofHours(2));
                assertThat(event.get("summary").asText()).isEqualTo("Onderhoud besturingssysteem (korte herstart mogelijk)");
            }
        }
    }

    private static JsonNode onlyEvent(JsonNode file) {
        assertThat(file.get("events")).hasSize(1);
        return file.get("events").get(0);
    }

    private static Instant instant(JsonNode event, String field) {
        return OffsetDateTime.parse(event.get(field).asText()).toInstant();
    }

    private JsonNode read(Path... files) throws IOException, InterruptedException {
        Path script = work.resolve("ics_events.py");
        try (InputStream in = IcalendarInteropIT.class.getResourceAsStream("ics_events.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON3.toString(), script.toString()));
        for (Path file : files) {
            command.add(file.toString());
        }
        Path out = work.resolve("python.out");
        Process python = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("ics_events.py did not finish in 60 s");
        }
        String output = Files.readString(out);
        assertThat(python.exitValue()).as(output).isZero();
        return Json.MAPPER.readTree(output);
    }
}
