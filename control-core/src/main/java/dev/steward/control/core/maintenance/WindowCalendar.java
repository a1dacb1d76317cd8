package dev.steward.control.core.maintenance;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The concrete weekly windows of one schedule (fleet or customer) and one server's blackout dates.
 *
 * <p><b>Occurrences.</b> The occurrence of a {@link WeeklyWindow} in the week of date {@code d}
 * starts when the wall clock of the schedule's zone first reaches {@code d start} and ends when it
 * first reaches {@code end} (the same day, or the next when the window crosses midnight); see
 * {@link WallClock} for gaps and overlaps. So Monday 05:00 Brussels is 04:00Z in winter and 03:00Z
 * in summer, and two consecutive Monday windows are 167 real hours apart across the March change
 * (2026-03-29, 2027-03-28) and 169 across the October one (2026-10-25, 2027-10-31).
 *
 * <p>An occurrence is skipped when it would be empty (both ends resolve to the same instant, only
 * possible when the whole window lies in a gap) or when its local start date is a blackout date.
 *
 * <p>"Next occurrences from an instant" are those whose end is after the instant, so a window in
 * progress counts (whether a job may still start in it is {@link CutOffPolicy}'s decision).
 *
 * <p>Thread safety: immutable, thread-safe.
 */
public final class WindowCalendar {

    /** Searches give up after this many weeks (about 190 years): only a blackout list that long could get there. */
    private static final int MAX_WEEKS = 10_000;

    private final MaintenanceSchedule schedule; // zone and windows
    private final BlackoutDates blackouts;      // dates on which nothing starts

    /**
     * @param schedule the effective schedule (fleet schedule with the customer's overrides applied)
     * @param blackouts the server's and its customer's blackout dates
     */
    public WindowCalendar(MaintenanceSchedule schedule, BlackoutDates blackouts) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.blackouts = Objects.requireNonNull(blackouts, "blackouts");
    }

    /** @return the schedule the occurrences follow */
    public MaintenanceSchedule schedule() {
        return schedule;
    }

    /**
     * @param kind {@link WindowKind#OS} or {@link WindowKind#APP}
     * @param from the instant to search from; a window in progress at {@code from} is included
     * @param count how many occurrences, 0 or more
     * @return the next {@code count} occurrences of that kind, in time order
     */
    public List<WindowOccurrence> next(WindowKind kind, Instant from, int count) {
        List<WindowOccurrence> found = new ArrayList<>(count);
        search(kind, from, occurrence -> occurrence.end().toInstant().isAfter(from), found, count);
        return found;
    }

    /**
     * @return the next {@code count} OS and application occurrences together, ordered by start (an
     *     OS window before an application window that starts at the same instant)
     */
    public List<WindowOccurrence> next(Instant from, int count) {
        List<WindowOccurrence> both = new ArrayList<>(next(WindowKind.OS, from, count));
        both.addAll(next(WindowKind.APP, from, count));
        both.sort(Comparator.comparing((WindowOccurrence occurrence) -> occurrence.start().toInstant())
                .thenComparing(WindowOccurrence::kind));
        return List.copyOf(both.subList(0, Math.min(count, both.size())));
    }

    /** @return the first occurrence of {@code kind} that starts at or after {@code notBefore} */
    public WindowOccurrence firstStartingAtOrAfter(WindowKind kind, Instant notBefore) {
        List<WindowOccurrence> found = new ArrayList<>(1);
        search(kind, notBefore, occurrence -> !occurrence.start().toInstant().isBefore(notBefore), found, 1);
        return found.getFirst();
    }

    /** @return the occurrence of {@code kind} whose local start date is {@code date}, if the window starts that day and is not blacked out */
    public Optional<WindowOccurrence> on(WindowKind kind, LocalDate date) {
        WeeklyWindow window = schedule.window(kind);
        if (date.getDayOfWeek() != window.day() || blackouts.blocks(date)) {
            return Optional.empty();
        }
        return occurrence(kind, window, date);
    }

    private void search(WindowKind kind, Instant from, java.util.function.Predicate<WindowOccurrence> wanted,
            List<WindowOccurrence> found, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        WeeklyWindow window = schedule.window(kind);
        // Start a day early: a window that crosses midnight may have begun on the previous local date.
        LocalDate date = from.atZone(schedule.zone()).toLocalDate().minusDays(1)
                .with(TemporalAdjusters.nextOrSame(window.day()));
        for (int week = 0; found.size() < count; week++, date = date.plusWeeks(1)) {
            if (week > MAX_WEEKS + blackouts.size()) {
                throw new IllegalStateException("no " + kind.token() + " window within " + MAX_WEEKS + " weeks of " + from);
            }
            if (blackouts.blocks(date)) {
                continue;
            }
            occurrence(kind, window, date).filter(wanted).ifPresent(found::add);
        }
    }

    private Optional<WindowOccurrence> occurrence(WindowKind kind, WeeklyWindow window, LocalDate date) {
        ZonedDateTime start = WallClock.firstReached(date.atTime(window.start()), schedule.zone());
        LocalDate endDate = window.crossesMidnight() ? date.plusDays(1) : date;
        ZonedDateTime end = WallClock.firstReached(endDate.atTime(window.end()), schedule.zone());
        if (!end.toInstant().isAfter(start.toInstant())) {
            return Optional.empty();
        }
        return Optional.of(new WindowOccurrence(kind, start, end));
    }
}
