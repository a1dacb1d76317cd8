package dev.steward.control.store;

import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Materialised windows ({@code window_occurrence}): every concrete OS, application and emergency
 * window gets a row, so that one that passed without running is visible. Customers whose schedules
 * give the same kind, instants and zone share a row.
 *
 * <p>Thread safety: thread-safe; every public method without a handle is its own transaction.
 */
public final class WindowOccurrenceRepository {

    static final RowMapper<StoredOccurrence> MAPPER = (rs, ctx) -> {
        ZoneId zone = ZoneId.of(rs.getString("zone"));
        WindowOccurrence occurrence = new WindowOccurrence(WindowKind.valueOf(rs.getString("kind")),
                Sql.instant(rs, "starts_at").atZone(zone), Sql.instant(rs, "ends_at").atZone(zone));
        return new StoredOccurrence(rs.getLong("id"), occurrence, rs.getString("state"), Sql.instant(rs, "opened_at"),
                Sql.instant(rs, "closed_at"));
    };

    private final Database database;

    /** @param database where occurrences live */
    public WindowOccurrenceRepository(Database database) {
        this.database = database;
    }

    /**
     * The row of {@code occurrence}, created (state PLANNED) when there is none yet, in the caller's
     * transaction. Safe against another instance creating the same row at the same moment: the
     * insert runs under a savepoint, and on a unique violation the other instance's row is read.
     *
     * @return the row's id
     */
    public static long idOf(Handle handle, WindowOccurrence occurrence) {
        Optional<Long> existing = find(handle, occurrence);
        if (existing.isPresent()) {
            return existing.get();
        }
        String savepoint = "occurrence_insert";
        handle.savepoint(savepoint);
        try {
            long id = handle.createUpdate("""
                            insert into window_occurrence (kind, starts_at, ends_at, zone, local_date, state)
                            values (:kind, :start, :end, :zone, :date, 'PLANNED')
                            """)
                    .bind("kind", occurrence.kind().name()).bind("start", occurrence.start().toInstant())
                    .bind("end", occurrence.end().toInstant()).bind("zone", occurrence.start().getZone().getId())
                    .bind("date", occurrence.start().toLocalDate())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            handle.releaseSavepoint(savepoint);
            return id;
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            handle.rollbackToSavepoint(savepoint);
            return find(handle, occurrence).orElseThrow(() -> e);
        }
    }

    /** {@link #idOf(Handle, WindowOccurrence)} in a transaction of its own. */
    public long idOf(WindowOccurrence occurrence) {
        return database.jdbi().inTransaction(handle -> idOf(handle, occurrence));
    }

    /** @return the row with that id */
    public Optional<StoredOccurrence> find(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from window_occurrence where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** @return the rows that start in {@code [from, to)}, by start */
    public List<StoredOccurrence> startingBetween(Instant from, Instant to) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from window_occurrence where starts_at >= :from and starts_at < :to order by starts_at, id
                        """)
                .bind("from", from).bind("to", to).map(MAPPER).list());
    }

    private static Optional<Long> find(Handle handle, WindowOccurrence occurrence) {
        return handle.createQuery("""
                        select id from window_occurrence
                        where kind = :kind and starts_at = :start and ends_at = :end and zone = :zone
                        """)
                .bind("kind", occurrence.kind().name()).bind("start", occurrence.start().toInstant())
                .bind("end", occurrence.end().toInstant()).bind("zone", occurrence.start().getZone().getId())
                .mapTo(Long.class).findOne();
    }
}
