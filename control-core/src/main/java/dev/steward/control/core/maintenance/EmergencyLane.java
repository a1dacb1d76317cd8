package dev.steward.control.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The emergency lane (MAINT-4): security fixes get "an update moment on any day, as soon as
 * possible, still preferably early in the morning".
 *
 * <p><b>Slot.</b> Every day has one emergency slot, by default 04:00–06:00 local time
 * ({@link #DEFAULT_SLOT_START}, {@link #DEFAULT_SLOT_END}): early enough that customers are
 * asleep, late enough to stay clear of the 02:00–03:00 hour in which Europe's clocks change. A slot
 * may be configured later in the morning but never earlier than 04:00 and never across midnight.
 *
 * <p><b>Choice.</b> {@link #plan} returns, in order of preference:
 * <ol>
 *   <li>{@link Start.Immediately} when the operator says so (no slot, no blackout check: the
 *       operator decides);</li>
 *   <li>otherwise the first slot, today or on a later day, that
 *     <ul>
 *       <li>does not touch a daylight-saving change: no transition in {@code [start, end]} and
 *           neither end in a gap or overlap (such a day is skipped; the slot's length stays the
 *           wall-clock length, and "04:00" is never ambiguous);</li>
 *       <li>does not start on a blackout date;</li>
 *       <li>leaves room for the job: it starts at {@code max(now, slot start)} and
 *           {@link CutOffPolicy} must allow it then.</li>
 *     </ul>
 *   </li>
 * </ol>
 *
 * <p>Thread safety: immutable, thread-safe.
 */
public final class EmergencyLane {

    /** The default emergency slot start, 04:00 local. */
    public static final LocalTime DEFAULT_SLOT_START = LocalTime.of(4, 0);
    /** The default emergency slot end, 06:00 local. */
    public static final LocalTime DEFAULT_SLOT_END = LocalTime.of(6, 0);
    /** The earliest local time a slot may start. */
    public static final LocalTime EARLIEST_START = LocalTime.of(4, 0);

    private static final int MAX_DAYS = 10_000;

    private final ZoneId zone;              // whose wall clock the slot follows
    private final LocalTime slotStart;      // inclusive, >= 04:00
    private final LocalTime slotEnd;        // exclusive, after slotStart on the same day
    private final BlackoutDates blackouts;  // dates on which no slot is used

    /** The default slot, 04:00–06:00 in {@code zone}. */
    public EmergencyLane(ZoneId zone, BlackoutDates blackouts) {
        this(zone, DEFAULT_SLOT_START, DEFAULT_SLOT_END, blackouts);
    }

    /**
     * @param zone the zone whose wall clock the slot follows (the customer's schedule zone)
     * @param slotStart local start, whole minutes, not before 04:00
     * @param slotEnd local end, whole minutes, after {@code slotStart} on the same day
     * @param blackouts the server's and customer's blackout dates
     */
    public EmergencyLane(ZoneId zone, LocalTime slotStart, LocalTime slotEnd, BlackoutDates blackouts) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.blackouts = Objects.requireNonNull(blackouts, "blackouts");
        // Validates whole minutes and start != end.
        new WeeklyWindow(java.time.DayOfWeek.MONDAY, slotStart, slotEnd);
        if (slotStart.isBefore(EARLIEST_START)) {
            throw new IllegalArgumentException("an emergency slot starts no earlier than " + EARLIEST_START + ": " + slotStart);
        }
        if (!slotEnd.isAfter(slotStart)) {
            throw new IllegalArgumentException("an emergency slot ends on the day it starts: " + slotStart + "–" + slotEnd);
        }
        this.slotStart = slotStart;
        this.slotEnd = slotEnd;
    }

    /** Where an emergency update goes. */
    public sealed interface Start {
        /** @return the instant the job starts */
        Instant at();

        /** The operator asked for it now. @param at the instant of the request */
        record Immediately(Instant at) implements Start {
        }

        /**
         * In an emergency slot.
         *
         * @param slot the slot (kind {@link WindowKind#EMERGENCY})
         * @param at when the job starts: the slot's start, or {@code now} when the slot is already open
         */
        record InSlot(WindowOccurrence slot, Instant at) implements Start {
        }
    }

    /**
     * @param now the current instant (from the caller's {@code Clock})
     * @param expected the job's expected duration, positive
     * @param immediately true when the operator says "now"
     */
    public Start plan(Instant now, Duration expected, boolean immediately) {
        Objects.requireNonNull(now, "now");
        if (expected.isNegative() || expected.isZero()) {
            throw new IllegalArgumentException("expected duration must be positive: " + expected);
        }
        if (immediately) {
            return new Start.Immediately(now);
        }
        LocalDate date = now.atZone(zone).toLocalDate();
        for (int day = 0; day <= MAX_DAYS + blackouts.size(); day++, date = date.plusDays(1)) {
            LocalDateTime start = date.atTime(slotStart);
            LocalDateTime end = date.atTime(slotEnd);
            if (blackouts.blocks(date) || WallClock.touchesTransition(start, end, zone)) {
                continue;
            }
            WindowOccurrence slot = new WindowOccurrence(WindowKind.EMERGENCY,
                    WallClock.firstReached(start, zone), WallClock.firstReached(end, zone));
            Instant at = now.isAfter(slot.start().toInstant()) ? now : slot.start().toInstant();
            if (CutOffPolicy.decide(slot, at, expected) == CutOffPolicy.Decision.START) {
                return new Start.InSlot(slot, at);
            }
        }
        throw new IllegalStateException("no emergency slot within " + MAX_DAYS + " days of " + now);
    }
}
