package dev.steward.control.core.maintenance;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;

/**
 * Turns a local wall-clock time into an instant by one rule, "the first moment the wall clock
 * reaches it", which also decides the two daylight-saving cases:
 * <ul>
 *   <li>a time in a gap (spring forward: 02:30 does not exist when 02:00 jumps to 03:00) resolves to
 *       the transition instant, the first moment the clock shows a later time;</li>
 *   <li>a time in an overlap (fall back: 02:30 happens twice) resolves to the first of the two, at
 *       the earlier (summer) offset.</li>
 * </ul>
 * java.time's own {@code ZonedDateTime.of} agrees on overlaps but moves a gap time forward by the
 * gap's length (02:30 → 03:30), which would start a window half an hour late.
 */
final class WallClock {

    private WallClock() {
    }

    static ZonedDateTime firstReached(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant().atZone(zone);
        }
        return ZonedDateTime.ofLocal(local, zone, null);
    }

    /** @return true when a transition lies in {@code [start, end]} or either end is in a gap or overlap */
    static boolean touchesTransition(LocalDateTime start, LocalDateTime end, ZoneId zone) {
        if (zone.getRules().getTransition(start) != null || zone.getRules().getTransition(end) != null) {
            return true;
        }
        ZonedDateTime from = firstReached(start, zone);
        ZoneOffsetTransition next = zone.getRules().nextTransition(from.toInstant().minusNanos(1));
        return next != null && !next.getInstant().isAfter(firstReached(end, zone).toInstant());
    }
}
