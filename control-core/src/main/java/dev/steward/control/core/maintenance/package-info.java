/**
 * The maintenance calendar: weekly OS and application windows (MAINT-1, MAINT-2), the emergency
 * lane (MAINT-4), blackout dates, the cut-off rule, and the notice rule that places an update in a
 * window (MAINT-3, UPD-3, UPD-4).
 *
 * <p><b>Role.</b> Pure decisions over time. Everything takes the current instant as an argument
 * (callers read it from an injected {@link java.time.Clock}); nothing reads the system clock.
 *
 * <p><b>Inputs/outputs.</b> A {@link dev.steward.control.core.maintenance.MaintenanceSchedule}
 * (fleet default Europe/Brussels, OS Monday 05:00–07:00, application Monday 07:00–09:00, with a
 * customer's {@link dev.steward.control.core.maintenance.ScheduleOverride}),
 * {@link dev.steward.control.core.maintenance.BlackoutDates}, instants and durations in;
 * {@link dev.steward.control.core.maintenance.WindowOccurrence}s and decisions out.
 *
 * <p><b>Strategy.</b> Windows are wall-clock times in the schedule's zone, resolved to instants
 * per date by "the first moment the wall clock reaches it" (a time in a spring-forward gap → the
 * transition instant; a time in a fall-back overlap → its first, summer-time occurrence). Durations
 * that matter to people — the 168-hour notice period, the cut-off, time left in a window — are
 * real time, computed on instants. The emergency lane skips any day whose slot touches a
 * transition, so its slots are always their full wall-clock length.
 *
 * <p><b>Failure handling.</b> Invalid values are refused at construction with
 * {@link java.lang.IllegalArgumentException}. Searches are bounded (about 10,000 weeks or days plus
 * the number of blackout dates) and end in {@link java.lang.IllegalStateException} instead of
 * looping.
 *
 * <p><b>Standards.</b> IANA time zone rules as shipped with the JDK (tzdata): Europe/Brussels
 * changes on the last Sundays of March and October at 01:00 UTC (2026-03-29, 2026-10-25,
 * 2027-03-28, 2027-10-31).
 *
 * <p><b>Security.</b> Zones, times and blackout dates come from operators and customers; the
 * bounded searches keep a long blackout list from turning into unbounded work.
 */
package dev.steward.control.core.maintenance;
