package dev.steward.control.core.maintenance;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * A window that recurs every week: a day and a start and end in <em>local</em> wall-clock time of
 * the schedule's zone (MAINT-1 and MAINT-2 say "Monday 05:00–07:00", not "04:00 UTC").
 *
 * <p>When {@code end} is not after {@code start} the window runs past midnight into the next day
 * ({@code SUNDAY 23:00–01:00}). Times are whole minutes. Because both ends are wall-clock times, a
 * window that contains a daylight-saving change is an hour shorter or longer in real time; see
 * {@link WindowCalendar} for how a start or end inside a gap or overlap is resolved.
 *
 * <p>Thread safety: immutable.
 *
 * @param day the day the window starts
 * @param start local start time, inclusive
 * @param end local end time, exclusive
 */
public record WeeklyWindow(DayOfWeek day, LocalTime start, LocalTime end) {

    /** Validates whole minutes and a non-empty window. */
    public WeeklyWindow {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.getSecond() != 0 || start.getNano() != 0 || end.getSecond() != 0 || end.getNano() != 0) {
            throw new IllegalArgumentException("window times are whole minutes: " + start + "–" + end);
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("window start and end are equal (" + start + ")");
        }
    }

    /** @return true when the window ends on the day after it starts */
    public boolean crossesMidnight() {
        return !end.isAfter(start);
    }

    /** @return the wall-clock length (the real length differs by the DST shift on a change day) */
    public Duration nominalLength() {
        Duration length = Duration.between(start, end);
        return length.isNegative() ? length.plusDays(1) : length;
    }

    /**
     * Reads the stored and configured form, {@code "MONDAY 05:00-07:00"} (day name in any case, an
     * ASCII hyphen or an en dash between the times).
     *
     * @throws IllegalArgumentException with what is wrong, when the text is not such a window
     */
    public static WeeklyWindow parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.strip().split("\\s+");
        String[] times = parts.length == 2 ? parts[1].split("[-\u2013]") : new String[0];
        if (times.length != 2) {
            throw new IllegalArgumentException("not a weekly window (DAY HH:MM-HH:MM, e.g. MONDAY 05:00-07:00): " + text);
        }
        try {
            return new WeeklyWindow(DayOfWeek.valueOf(parts[0].toUpperCase(Locale.ROOT)),
                    LocalTime.parse(times[0]), LocalTime.parse(times[1]));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time of day (HH:MM) in weekly window: " + text, e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No enum constant")) {
                throw new IllegalArgumentException("not a day of the week (MONDAY … SUNDAY) in weekly window: " + text, e);
            }
            throw e;
        }
    }

    /** @return the form {@link #parse} reads, e.g. {@code "MONDAY 05:00-07:00"} */
    public String text() {
        return day + " " + start + "-" + end;
    }

    @Override
    public String toString() {
        return day + " " + start + "–" + end;
    }
}
