package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.CUSTOMER;
import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.store.MaintenanceCalendarRepository.PlannedUpdate;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The customer's view of the pipeline's rows: {@code app_release}, {@code release_target} and
 * {@code window_occurrence} are written here directly (as the release planner would), then read.
 */
@ExtendWith(DatabaseExtension.class)
class MaintenanceCalendarRepositoryIT {

    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @TestTemplate
    void upcoming_listsTheCustomersPlannedAndQueuedTargets_groupedByReleaseAndWindow(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Customer customer = fixtures.customer();
        Customer other = fixtures.customer();
        Application app = fixtures.application();
        Server first = fixtures.server(customer.id(), app.id());
        Server second = fixtures.server(customer.id(), app.id());
        Server done = fixtures.server(customer.id(), app.id());
        Server foreign = fixtures.server(other.id(), app.id());
        var occurrences = new WindowOccurrenceRepository(database);
        long dec7 = occurrences.idOf(window(WindowKind.APP, "2026-12-07T06:00:00Z", "2026-12-07T08:00:00Z"));
        long past = occurrences.idOf(window(WindowKind.APP, "2026-11-23T06:00:00Z", "2026-11-23T08:00:00Z"));
        long running = occurrences.idOf(window(WindowKind.EMERGENCY, "2026-11-30T09:30:00Z", "2026-11-30T10:30:00Z"));
        long release = release(database, app.id(), "2.0.0", "1.4.2", "MAJOR", false, "", "PLANNED");
        long security = release(database, app.id(), "1.4.3", "1.4.2", "PATCH", true, "CVE-2026-1234, CVE-2026-5678",
                "ROLLING_OUT");
        long cancelled = release(database, app.id(), "3.0.0", "2.0.0", "MAJOR", false, "", "CANCELLED");
        long old = release(database, app.id(), "1.4.2", "1.4.1", "MINOR", false, "", "DONE");
        target(database, release, second.id(), dec7, "PLANNED");
        target(database, release, first.id(), dec7, "QUEUED");
        target(database, release, done.id(), dec7, "NOTICE_BLOCKED");
        target(database, release, foreign.id(), dec7, "PLANNED");
        target(database, security, first.id(), running, "QUEUED");
        target(database, cancelled, second.id(), dec7, "PLANNED");
        target(database, old, done.id(), past, "PLANNED");

        List<PlannedUpdate> upcoming = new MaintenanceCalendarRepository(database)
                .upcoming(customer.id(), NOW, NOW.plusSeconds(8 * 7 * 86_400L));

        assertThat(upcoming).extracting(PlannedUpdate::releaseId).containsExactly(security, release);
        PlannedUpdate emergency = upcoming.getFirst();
        assertThat(emergency.security()).isTrue();
        assertThat(emergency.cveIds()).containsExactly("CVE-2026-1234", "CVE-2026-5678");
        assertThat(emergency.occurrence().occurrence().kind()).isEqualTo(WindowKind.EMERGENCY);
        assertThat(emergency.appHosts()).containsExactly(first.appHost());
        PlannedUpdate major = upcoming.get(1);
        assertThat(major.applicationName()).isEqualTo(app.name());
        assertThat(major.previousVersion()).isEqualTo("1.4.2");
        assertThat(major.version()).isEqualTo("2.0.0");
        assertThat(major.announceAs()).isEqualTo(ChangeClass.MAJOR);
        assertThat(major.cveIds()).isEmpty();
        assertThat(major.occurrence().id()).isEqualTo(dec7);
        assertThat(major.occurrence().occurrence().start().toInstant()).isEqualTo(Instant.parse("2026-12-07T06:00:00Z"));
        assertThat(major.occurrence().occurrence().start().getZone()).isEqualTo(BRUSSELS);
        assertThat(major.appHosts()).containsExactlyInAnyOrder(first.appHost(), second.appHost());

        // The range: a window that starts at or after "to" is not included.
        assertThat(new MaintenanceCalendarRepository(database)
                .upcoming(customer.id(), NOW, Instant.parse("2026-12-07T06:00:00Z")))
                .extracting(PlannedUpdate::releaseId).containsExactly(security);
        assertThat(new MaintenanceCalendarRepository(database).upcoming(other.id(), NOW, NOW.plusSeconds(86_400L * 30)))
                .extracting(PlannedUpdate::appHosts).containsExactly(List.of(foreign.appHost()));
    }

    @TestTemplate
    void token_isStoredAsItsHash_replacedByANewOne_andAudited(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Customer customer = fixtures.customer();
        Customer other = fixtures.customer();
        var calendar = new MaintenanceCalendarRepository(database);
        assertThat(calendar.hasToken(customer.id())).isFalse();

        String token = calendar.issueToken(CUSTOMER, customer.id());

        assertThat(token).hasSize(43);
        assertThat(calendar.hasToken(customer.id())).isTrue();
        assertThat(calendar.hasToken(other.id())).isFalse();
        assertThat(calendar.customerOfToken(token)).contains(customer.id());
        String stored = database.jdbi().withHandle(handle -> handle.createQuery(
                "select calendar_token_sha256 from customer where id = :id").bind("id", customer.id())
                .mapTo(String.class).one());
        assertThat(stored).isEqualTo(TokenHash.sha256(token)).doesNotContain(token);

        String replacement = calendar.issueToken(OPERATOR, customer.id());
        assertThat(calendar.customerOfToken(token)).isEmpty();
        assertThat(calendar.customerOfToken(replacement)).contains(customer.id());
        assertThat(calendar.customerOfToken("")).isEmpty();
        assertThat(calendar.customerOfToken("x".repeat(500))).isEmpty();
        assertThat(new AuditLogRepository(database).forEntity("customer", customer.id()))
                .extracting(AuditEntry::action).containsSubsequence("customer.calendar_token_set",
                        "customer.calendar_token_set");
        assertThatThrownBy(() -> calendar.issueToken(OPERATOR, 999_999_999L)).isInstanceOf(UnknownEntityException.class);
    }

    private static WindowOccurrence window(WindowKind kind, String start, String end) {
        return new WindowOccurrence(kind, Instant.parse(start).atZone(BRUSSELS), Instant.parse(end).atZone(BRUSSELS));
    }

    static long release(Database database, long applicationId, String version, String previous, String announceAs,
                        boolean security, String cves, String state) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("""
                        insert into app_release (application_id, version, previous_version, classification, announce_as,
                            changelog, steps_before, steps_after, security, cve_ids, immediate, source, state,
                            registered_by, registered_at, expected_seconds, wave_size, failure_budget)
                        values (:app, :version, :previous, :announce, :announce, 'changes', '', '', :security, :cves,
                            false, 'OPERATOR', :state, 'ops@provider.example', :now, 600, 10, 1)
                        """)
                .bind("app", applicationId).bind("version", version).bind("previous", previous)
                .bind("announce", announceAs).bind("security", security).bind("cves", cves).bind("state", state)
                .bind("now", NOW).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    static void target(Database database, long releaseId, long serverId, long occurrenceId, String state) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        insert into release_target (release_id, server_id, stage, occurrence_id, state, updated_at)
                        values (:release, :server, 'PRODUCTION', :occurrence, :state, :now)
                        """)
                .bind("release", releaseId).bind("server", serverId).bind("occurrence", occurrenceId)
                .bind("state", state).bind("now", NOW).execute());
    }
}
