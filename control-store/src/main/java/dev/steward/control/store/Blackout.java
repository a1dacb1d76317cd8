package dev.steward.control.store;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A stored blackout: dates (local to the schedule's zone, both ends inclusive) on which no
 * maintenance starts, for a whole customer or one server.
 *
 * @param id the row id
 * @param customerId the customer, or null when {@code serverId} is set
 * @param serverId the server, or null when {@code customerId} is set
 * @param firstDay the first date
 * @param lastDay the last date, not before {@code firstDay}
 * @param reason why, in the operator's words
 * @param createdBy who added it
 * @param createdAt when
 */
public record Blackout(long id, Long customerId, Long serverId, LocalDate firstDay, LocalDate lastDay, String reason,
                       String createdBy, Instant createdAt) {

    /** @return every date of the blackout, in order */
    public java.util.List<LocalDate> dates() {
        return firstDay.datesUntil(lastDay.plusDays(1)).toList();
    }
}
