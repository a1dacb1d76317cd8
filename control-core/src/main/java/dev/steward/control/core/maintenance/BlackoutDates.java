package dev.steward.control.core.maintenance;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Dates on which no maintenance may start for one server: the customer's blackout dates (all their
 * servers) together with the server's own. A date is a local date in the schedule's zone; a window
 * or emergency slot is blacked out when its local <em>start</em> date is one of them.
 *
 * <p>Thread safety: immutable.
 *
 * @param customer the customer's blackout dates
 * @param server the server's own blackout dates
 */
public record BlackoutDates(Set<LocalDate> customer, Set<LocalDate> server) {

    /** No blackout dates. */
    public static final BlackoutDates NONE = new BlackoutDates(Set.of(), Set.of());

    /** Copies both sets. */
    public BlackoutDates {
        customer = Set.copyOf(customer);
        server = Set.copyOf(server);
    }

    /** @return true when no maintenance may start on {@code date} */
    public boolean blocks(LocalDate date) {
        Objects.requireNonNull(date, "date");
        return customer.contains(date) || server.contains(date);
    }

    /** @return the number of distinct dates (bounds the searches that skip them) */
    public int size() {
        Set<LocalDate> all = new HashSet<>(customer);
        all.addAll(server);
        return all.size();
    }
}
