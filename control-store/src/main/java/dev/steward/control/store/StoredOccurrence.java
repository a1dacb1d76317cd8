package dev.steward.control.store;

import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Instant;

/**
 * A materialised window (a {@code window_occurrence} row).
 *
 * @param id the row id, which jobs, release targets and scheduler tasks refer to
 * @param occurrence kind, start and end (in the schedule's zone)
 * @param state PLANNED, OPEN, CLOSED or MISSED
 * @param openedAt when its start task ran, or null
 * @param closedAt when its end task ran, or null
 */
public record StoredOccurrence(long id, WindowOccurrence occurrence, String state, Instant openedAt, Instant closedAt) {
}
