package dev.steward.control.store;

import dev.steward.control.core.Actor;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The append-only audit log of every change.
 *
 * <p>Rows are written only by the other repositories, through {@link #append}, inside the
 * transaction of the change they describe: a change and its audit row commit together or not at
 * all. This class has no update and no delete.
 *
 * <p>Thread safety: thread-safe.
 */
public final class AuditLogRepository {

    private static final RowMapper<AuditEntry> MAPPER = (rs, ctx) -> new AuditEntry(
            rs.getLong("id"), Sql.instant(rs, "occurred_at"),
            new Actor(Actor.Kind.valueOf(rs.getString("actor_kind")), rs.getString("actor_name")),
            rs.getString("action"), rs.getString("entity_type"), rs.getString("entity_id"), rs.getString("details"));

    private final Database database;

    /** @param database where the log lives */
    public AuditLogRepository(Database database) {
        this.database = database;
    }

    /**
     * Appends one row in the caller's transaction.
     *
     * @param details name/value pairs, in order: {@code "tier", "PLUS", "storage_upgraded", true};
     *     values are written as JSON strings, numbers, booleans or null
     */
    static void append(Handle handle, Instant at, Actor actor, String action, String entityType, Object entityId,
                       Object... details) {
        String json = AuditDetails.json(details);
        handle.createUpdate("""
                        insert into audit_log (occurred_at, actor_kind, actor_name, action, entity_type, entity_id, details)
                        values (:at, :actorKind, :actorName, :action, :entityType, :entityId, :details)
                        """)
                .bind("at", at)
                .bind("actorKind", actor.kind().name())
                .bind("actorName", actor.name())
                .bind("action", action)
                .bind("entityType", entityType)
                .bind("entityId", String.valueOf(entityId))
                .bind("details", json)
                .execute();
    }

    /**
     * Appends one row in a transaction of its own: for events that change nothing else in the
     * store, such as a notice that was sent (or failed to be).
     *
     * @param details name/value pairs as for {@code append}
     */
    public void record(Actor actor, String action, String entityType, Object entityId, Object... details) {
        database.jdbi().useTransaction(handle -> append(handle, Sql.now(database), actor, action, entityType, entityId,
                details));
    }

    /** The history of one record, oldest first. */
    public List<AuditEntry> forEntity(String entityType, Object entityId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from audit_log where entity_type = :type and entity_id = :id order by id
                        """)
                .bind("type", entityType).bind("id", String.valueOf(entityId))
                .map(MAPPER).list());
    }

    /**
     * A page of the whole log, newest first.
     *
     * @param beforeId only rows older than this id; {@code null} for the newest
     * @param limit 1..1000 rows
     */
    public List<AuditEntry> page(Long beforeId, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
        }
        long before = beforeId == null ? Long.MAX_VALUE : beforeId;
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from audit_log where id < :before order by id desc limit :limit
                        """)
                .bind("before", before).bind("limit", limit)
                .map(MAPPER).list());
    }
}
