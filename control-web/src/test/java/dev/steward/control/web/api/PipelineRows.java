package dev.steward.control.web.api;

import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.Database;
import dev.steward.control.store.WindowOccurrenceRepository;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Writes the update pipeline's rows ({@code window_occurrence}, {@code app_release},
 * {@code release_target}) directly, as the release planner would, for the calendar tests.
 */
public final class PipelineRows {

    private final Database database;

    public PipelineRows(Database database) {
        this.database = database;
    }

    /** A window's row (shared, like the planner's). */
    public long window(WindowKind kind, Instant start, Instant end) {
        ZoneId brussels = ZoneId.of("Europe/Brussels");
        return new WindowOccurrenceRepository(database).idOf(new WindowOccurrence(kind, start.atZone(brussels),
                end.atZone(brussels)));
    }

    /** A release in state PLANNED (600 s expected, waves of 10, failure budget 1). */
    public long release(long applicationId, String version, String previous, String announceAs, boolean security,
                        String cves) {
        return release(applicationId, version, previous, announceAs, security, cves, 600, 10, 1);
    }

    /** A release in state PLANNED with its rollout's parameters. */
    public long release(long applicationId, String version, String previous, String announceAs, boolean security,
                        String cves, int expectedSeconds, int waveSize, int failureBudget) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("""
                        insert into app_release (application_id, version, previous_version, classification, announce_as,
                            changelog, steps_before, steps_after, security, cve_ids, immediate, source, state,
                            registered_by, registered_at, expected_seconds, wave_size, failure_budget)
                        values (:app, :version, :previous, :announce, :announce, 'changes', '', '', :security, :cves,
                            false, 'OPERATOR', 'PLANNED', 'ops@provider.example', :now, :expected, :wave, :budget)
                        """)
                .bind("app", applicationId).bind("version", version).bind("previous", previous)
                .bind("announce", announceAs).bind("security", security).bind("cves", cves)
                .bind("now", Instant.now()).bind("expected", expectedSeconds).bind("wave", waveSize)
                .bind("budget", failureBudget).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    /** A production target of {@code serverId} in that window. */
    public void target(long releaseId, long serverId, long occurrenceId, String state) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        insert into release_target (release_id, server_id, stage, occurrence_id, state, updated_at)
                        values (:release, :server, 'PRODUCTION', :occurrence, :state, :now)
                        """)
                .bind("release", releaseId).bind("server", serverId).bind("occurrence", occurrenceId)
                .bind("state", state).bind("now", Instant.now()).execute());
    }
}
