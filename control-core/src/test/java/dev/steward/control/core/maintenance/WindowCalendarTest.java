package dev.steward.control.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowCalendarTest {

    private static final WindowCalendar DEFAULT = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE);
    private static final ZoneId BRUSSELS = MaintenanceSchedule.BRUSSELS;

    static String range(WindowOccurrence occurrence) {
        return occurrence.kind().token() + " " + occurrence.start().toOffsetDateTime() + " " + occurrence.end().toOffsetDateTime();
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
            // kind, from,                  first occurrence (Europe/Brussels default schedule)
            "OS,  2026-03-17T00:00:00Z, os 2026-03-23T05:00+01:00 2026-03-23T07:00+01:00",
            "OS,  2026-03-24T00:00:00Z, os 2026-03-30T05:00+02:00 2026-03-30T07:00+02:00",
            "APP, 2026-03-24T00:00:00Z, app 2026-03-30T07:00+02:00 2026-03-30T09:00+02:00",
            "OS,  2026-10-20T00:00:00Z, os 2026-10-26T05:00+01:00 2026-10-26T07:00+01:00",
            "APP, 2026-10-20T00:00:00Z, app 2026-10-26T07:00+01:00 2026-10-26T09:00+01:00",
            // a window in progress counts; one that has just ended does not
            "OS,  2026-10-19T03:30:00Z, os 2026-10-19T05:00+02:00 2026-10-19T07:00+02:00",
            "OS,  2026-10-19T04:59:59Z, os 2026-10-19T05:00+02:00 2026-10-19T07:00+02:00",
            "OS,  2026-10-19T05:00:00Z, os 2026-10-26T05:00+01:00 2026-10-26T07:00+01:00",
            "APP, 2026-10-19T05:00:00Z, app 2026-10-19T07:00+02:00 2026-10-19T09:00+02:00",
            "OS,  2026-11-29T12:00:00Z, os 2026-11-30T05:00+01:00 2026-11-30T07:00+01:00",
            "OS,  2027-03-23T00:00:00Z, os 2027-03-29T05:00+02:00 2027-03-29T07:00+02:00",
            "APP, 2027-03-22T08:00:00Z, app 2027-03-29T07:00+02:00 2027-03-29T09:00+02:00",
            "OS,  2027-10-26T00:00:00Z, os 2027-11-01T05:00+01:00 2027-11-01T07:00+01:00",
    })
    void defaultSchedule_firstOccurrence(WindowKind kind, Instant from, String expected) {
        assertThat(range(DEFAULT.next(kind, from, 1).getFirst())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // from,                 hours between three consecutive Monday 05:00 windows
            "2026-03-16T00:00:00Z, 168, 167",
            "2026-10-12T00:00:00Z, 168, 169",
            "2027-03-15T00:00:00Z, 168, 167",
            "2027-10-18T00:00:00Z, 168, 169",
            "2026-06-01T00:00:00Z, 168, 168",
    })
    void consecutiveWindows_areWallClockWeeks_notRealWeeks(Instant from, long first, long second) {
        List<WindowOccurrence> windows = DEFAULT.next(WindowKind.OS, from, 3);
        assertThat(windows).hasSize(3).allSatisfy(window -> {
            assertThat(window.start().toLocalTime()).isEqualTo(LocalTime.of(5, 0));
            assertThat(window.length()).isEqualTo(Duration.ofHours(2));
        });
        assertThat(Duration.between(windows.get(0).start(), windows.get(1).start()).toHours()).isEqualTo(first);
        assertThat(Duration.between(windows.get(1).start(), windows.get(2).start()).toHours()).isEqualTo(second);
    }

    @Test
    void bothKinds_interleavedInTimeOrder() {
        assertThat(DEFAULT.next(Instant.parse("2026-10-19T00:00:00Z"), 5)).extracting(WindowCalendarTest::range).containsExactly(
                "os 2026-10-19T05:00+02:00 2026-10-19T07:00+02:00",
                "app 2026-10-19T07:00+02:00 2026-10-19T09:00+02:00",
                "os 2026-10-26T05:00+01:00 2026-10-26T07:00+01:00",
                "app 2026-10-26T07:00+01:00 2026-10-26T09:00+01:00",
                "os 2026-11-02T05:00+01:00 2026-11-02T07:00+01:00");
        assertThat(DEFAULT.next(Instant.parse("2026-10-19T00:00:00Z"), 0)).isEmpty();
        assertThatThrownBy(() -> DEFAULT.next(WindowKind.OS, Instant.EPOCH, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} {1}–{2} from {3}")
    @CsvSource({
            // A Sunday window that starts in the spring gap opens when the clock jumps (02:00 CET → 03:00 CEST).
            "SUNDAY, 02:30, 03:30, 2026-03-28T00:00:00Z, os 2026-03-29T03:00+02:00 2026-03-29T03:30+02:00",
            // In the autumn overlap the first 02:30 (summer time) opens it; the end is after the overlap.
            "SUNDAY, 02:30, 03:30, 2026-10-24T00:00:00Z, os 2026-10-25T02:30+02:00 2026-10-25T03:30+01:00",
            // Wholly inside the gap: an empty window is skipped.
            "SUNDAY, 02:00, 02:59, 2026-03-28T00:00:00Z, os 2026-04-05T02:00+02:00 2026-04-05T02:59+02:00",
            "SUNDAY, 01:30, 03:30, 2027-03-27T00:00:00Z, os 2027-03-28T01:30+01:00 2027-03-28T03:30+02:00",
            "SUNDAY, 01:30, 03:30, 2027-10-30T00:00:00Z, os 2027-10-31T01:30+02:00 2027-10-31T03:30+01:00",
            // Across midnight.
            "SATURDAY, 23:00, 01:00, 2026-03-27T00:00:00Z, os 2026-03-28T23:00+01:00 2026-03-29T01:00+01:00",
            // 03:00 on the autumn change day exists once, after the overlap (02:00–02:59 happen twice).
            "SATURDAY, 23:00, 03:00, 2026-10-24T00:00:00Z, os 2026-10-24T23:00+02:00 2026-10-25T03:00+01:00",
    })
    void configuredWindow_acrossDaylightSavingChanges(DayOfWeek day, LocalTime start, LocalTime end, Instant from, String expected) {
        MaintenanceSchedule schedule = new MaintenanceSchedule(BRUSSELS, new WeeklyWindow(day, start, end), MaintenanceSchedule.DEFAULT.app());
        assertThat(range(new WindowCalendar(schedule, BlackoutDates.NONE).next(WindowKind.OS, from, 1).getFirst())).isEqualTo(expected);
    }

    @Test
    void windowLength_isRealTime_onChangeDays() {
        MaintenanceSchedule schedule = new MaintenanceSchedule(BRUSSELS,
                new WeeklyWindow(DayOfWeek.SUNDAY, LocalTime.of(1, 30), LocalTime.of(3, 30)), MaintenanceSchedule.DEFAULT.app());
        WindowCalendar calendar = new WindowCalendar(schedule, BlackoutDates.NONE);
        assertThat(calendar.on(WindowKind.OS, LocalDate.of(2026, 3, 29)).orElseThrow().length()).isEqualTo(Duration.ofHours(1));
        assertThat(calendar.on(WindowKind.OS, LocalDate.of(2026, 10, 25)).orElseThrow().length()).isEqualTo(Duration.ofHours(3));
        assertThat(calendar.on(WindowKind.OS, LocalDate.of(2026, 10, 18)).orElseThrow().length()).isEqualTo(Duration.ofHours(2));
        assertThat(calendar.on(WindowKind.OS, LocalDate.of(2026, 10, 19))).isEmpty(); // a Monday
    }

    @ParameterizedTest(name = "customer {0} server {1}")
    @CsvSource({
            // customer blackout, server blackout, from,                the next two OS windows' local dates
            "2026-03-30, 2026-04-06, 2026-03-24T00:00:00Z, 2026-04-13, 2026-04-20",
            "2026-10-26, ,           2026-10-20T00:00:00Z, 2026-11-02, 2026-11-09",
            ",           2026-10-26, 2026-10-20T00:00:00Z, 2026-11-02, 2026-11-09",
            "2027-12-27, 2028-01-03, 2027-12-21T00:00:00Z, 2028-01-10, 2028-01-17",
            "2026-10-27, ,           2026-10-20T00:00:00Z, 2026-10-26, 2026-11-02",
    })
    void blackoutDates_skipWindows(LocalDate customer, LocalDate server, Instant from, LocalDate first, LocalDate second) {
        BlackoutDates blackouts = new BlackoutDates(customer == null ? Set.of() : Set.of(customer), server == null ? Set.of() : Set.of(server));
        WindowCalendar calendar = new WindowCalendar(MaintenanceSchedule.DEFAULT, blackouts);
        assertThat(calendar.next(WindowKind.OS, from, 2)).extracting(window -> window.start().toLocalDate()).containsExactly(first, second);
        assertThat(calendar.next(WindowKind.APP, from, 2)).extracting(window -> window.start().toLocalDate()).containsExactly(first, second);
    }

    @Test
    void customerOverride_zoneAndWindow() {
        ScheduleOverride override = new ScheduleOverride(Optional.of(ZoneId.of("America/New_York")), Optional.empty(),
                Optional.of(new WeeklyWindow(DayOfWeek.TUESDAY, LocalTime.of(22, 0), LocalTime.of(0, 30))));
        WindowCalendar calendar = new WindowCalendar(MaintenanceSchedule.DEFAULT.with(override), BlackoutDates.NONE);
        assertThat(calendar.next(Instant.parse("2026-03-02T00:00:00Z"), 4)).extracting(WindowCalendarTest::range).containsExactly(
                "os 2026-03-02T05:00-05:00 2026-03-02T07:00-05:00",
                "app 2026-03-03T22:00-05:00 2026-03-04T00:30-05:00",
                "os 2026-03-09T05:00-04:00 2026-03-09T07:00-04:00",
                "app 2026-03-10T22:00-04:00 2026-03-11T00:30-04:00");
        assertThat(MaintenanceSchedule.DEFAULT.with(ScheduleOverride.NONE)).isEqualTo(MaintenanceSchedule.DEFAULT);
        // A window that crossed midnight and is still open at `from` is found (the search starts a day early).
        assertThat(range(calendar.next(WindowKind.APP, Instant.parse("2026-03-04T05:15:00Z"), 1).getFirst()))
                .isEqualTo("app 2026-03-03T22:00-05:00 2026-03-04T00:30-05:00");
    }

    @Test
    void weeklyWindow_validation() {
        assertThatThrownBy(() -> new WeeklyWindow(DayOfWeek.MONDAY, LocalTime.of(5, 0), LocalTime.of(5, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WeeklyWindow(DayOfWeek.MONDAY, LocalTime.of(5, 0, 30), LocalTime.of(7, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new WeeklyWindow(DayOfWeek.SUNDAY, LocalTime.of(23, 0), LocalTime.of(1, 0)).nominalLength()).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> MaintenanceSchedule.DEFAULT.window(WindowKind.EMERGENCY)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}–{1}")
    @CsvSource({
            "2026-03-29T02:30, 2026-03-29T03:30, true",   // start in the gap
            "2026-10-25T02:30, 2026-10-25T04:00, true",   // start in the overlap
            "2026-10-25T01:30, 2026-10-25T02:15, true",   // end in the overlap
            "2026-03-29T01:00, 2026-03-29T04:00, true",   // the jump lies inside
            "2026-03-29T04:00, 2026-03-29T06:00, false",
            "2026-10-25T04:00, 2026-10-25T06:00, false",
            "2026-03-28T04:00, 2026-03-28T06:00, false",
    })
    void wallClock_touchesTransition(LocalDateTime start, LocalDateTime end, boolean touches) {
        assertThat(WallClock.touchesTransition(start, end, BRUSSELS)).isEqualTo(touches);
    }
}
