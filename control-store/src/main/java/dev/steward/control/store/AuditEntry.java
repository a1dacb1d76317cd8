package dev.steward.control.store;

import dev.steward.control.core.Actor;
import java.time.Instant;

/**
 * One row of the append-only audit log: who did what to which record, when.
 *
 * <p>Thread safety: immutable.
 *
 * @param id increasing with insertion order
 * @param at when the change was committed (the writing instance's clock)
 * @param actor who made it
 * @param action what was done, e.g. {@code package_change.approved}
 * @param entityType the sort of record, e.g. {@code package_change}
 * @param entityId the record's id or name
 * @param details a JSON object with the changed values
 */
public record AuditEntry(long id, Instant at, Actor actor, String action, String entityType, String entityId,
                         String details) {
}
