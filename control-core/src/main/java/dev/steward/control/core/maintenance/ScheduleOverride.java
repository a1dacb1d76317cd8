package dev.steward.control.core.maintenance;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer's changes to the fleet schedule: any of zone, OS window and application window; an
 * empty part keeps the fleet's value. A customer abroad can keep the fleet's windows in their own
 * zone by setting only the zone.
 *
 * <p>Thread safety: immutable.
 *
 * @param zone the customer's zone, or empty for the fleet's
 * @param os the customer's OS window, or empty for the fleet's
 * @param app the customer's application window, or empty for the fleet's
 */
public record ScheduleOverride(Optional<ZoneId> zone, Optional<WeeklyWindow> os, Optional<WeeklyWindow> app) {

    /** No changes: the fleet schedule applies. */
    public static final ScheduleOverride NONE = new ScheduleOverride(Optional.empty(), Optional.empty(), Optional.empty());

    /** All parts non-null (possibly empty). */
    public ScheduleOverride {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(app, "app");
    }
}
