package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobRepository;
import dev.steward.control.store.WindowOccurrenceRepository;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's server-history page: jobs with their results in words, release targets, both languages. */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class ServerHistoryPageIT {

    @TestTemplate
    void history_showsJobsWithTheirResults_andReleaseTargets_inEnglishAndDutch(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Application application = ui.application();
            long customerId = ui.customer(Language.NL).id();
            Server server = ui.server(customerId, application.id());
            WindowOccurrence os = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                    .next(WindowKind.OS, Instant.parse("2030-03-01T00:00:00Z"), 1).getFirst();
            long window = new WindowOccurrenceRepository(database).idOf(os);
            String osJob = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.OS_UPDATE, null, window,
                    "{}", os.start().toInstant(), os.end().toInstant().minusSeconds(1800), Duration.ofMinutes(30)));
            database.jdbi().useHandle(handle -> {
                handle.createUpdate("""
                                update job set state = 'SUCCEEDED', started_at = :start, finished_at = :end, result = :result
                                where id = :id
                                """)
                        .bind("start", os.start().toInstant().plusSeconds(60))
                        .bind("end", os.start().toInstant().plusSeconds(600))
                        .bind("result", "{\"packages_upgraded\":[\"openssl\",\"libc6\",\"tzdata\"],\"reboot\":true,"
                                + "\"downtime_seconds\":47}")
                        .bind("id", osJob).execute();
                long release = handle.createUpdate("""
                                insert into app_release (application_id, version, previous_version, classification,
                                    announce_as, changelog, steps_before, steps_after, security, cve_ids, immediate, source,
                                    state, registered_by, registered_at, expected_seconds, wave_size, failure_budget)
                                values (:app, '2.1.0', '2.0.0', 'MINOR', 'MINOR', '', '', '', false, '', false, 'OPERATOR',
                                    'HALTED', 'ops', :now, 600, 5, 0)
                                """)
                        .bind("app", application.id()).bind("now", Instant.parse("2030-03-01T00:00:00Z"))
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                handle.createUpdate("""
                                insert into release_target (release_id, server_id, stage, state, detail, updated_at)
                                values (:release, :server, 'PRODUCTION', 'ROLLED_BACK', 'failed, rolled back: migration failed',
                                        :now)
                                """)
                        .bind("release", release).bind("server", server.id())
                        .bind("now", Instant.parse("2030-03-04T07:20:00Z")).execute();
            });
            TestUi.Browser operator = ui.loggedIn(ui.operator());

            TestUi.Page fleet = operator.get("/operator/servers?q=" + server.name());
            assertThat(fleet.body()).contains("href=\"/operator/servers/" + server.id() + "/history\"");

            assertThat(operator.get("/servers/" + server.id() + "/package").body())
                    .contains("id=\"history-link\" href=\"/operator/servers/" + server.id() + "/history\"");

            TestUi.Page english = operator.get("/operator/servers/" + server.id() + "/history");
            assertThat(english.status()).isEqualTo(200);
            assertThat(english.body()).contains("Maintenance history of " + server.name())
                    .contains("OS update").contains("OS window 2030-03-04 05:00")
                    .contains("3 packages upgraded, rebooted, 47 s downtime")
                    .contains("2030-03-04 05:01").contains("2030-03-04 05:10")
                    .contains(application.name() + " 2.0.0 → 2.1.0").contains("rolled back")
                    .contains("failed, rolled back: migration failed");

            operator.cookies.put(Ui.LANGUAGE_COOKIE, "nl");
            TestUi.Page dutch = operator.get("/operator/servers/" + server.id() + "/history");
            assertThat(dutch.body()).contains("Onderhoudsgeschiedenis van " + server.name())
                    .contains("OS-update").contains("3 pakketten bijgewerkt, herstart, 47 s onderbreking")
                    .contains("teruggedraaid").contains("geslaagd");

            assertThat(operator.get("/operator/servers/999999999/history").status()).isEqualTo(404);
            TestUi.Browser customer = ui.loggedIn(ui.customerAccount(customerId));
            assertThat(customer.get("/servers/" + server.id() + "/package").body()).doesNotContain("history-link");
            assertThat(customer.get("/operator/servers/" + server.id() + "/history").status()).isEqualTo(403);
        }
    }
}
