package dev.steward.control.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.core.version.ChangeClassifier;
import dev.steward.control.core.version.Classification;
import dev.steward.control.core.version.Version;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmergencyAndNoticeTest {

    private static final ZoneId BRUSSELS = MaintenanceSchedule.BRUSSELS;

    // ---- the 168-hour notice rule ----

    @ParameterizedTest(name = "{0} -> {1} sent {2}")
    @CsvSource({
            // from,  to,     notices sent at,       notice?, application window start
            // March 2026: Monday 07:00 to Monday 07:00 is only 167 hours, so "next week" is too early.
            "1.2.3, 1.3.0, 2026-03-23T06:00:00Z, true,  2026-04-06T07:00+02:00",
            "1.2.3, 2.0.0, 2026-03-23T05:00:00Z, true,  2026-03-30T07:00+02:00",  // exactly 168 h
            "1.2.3, 2.0.0, 2026-03-23T05:00:01Z, true,  2026-04-06T07:00+02:00",
            // October 2026: 169 hours, so next week is fine.
            "1.2.3, 1.3.0, 2026-10-19T05:00:00Z, true,  2026-10-26T07:00+01:00",
            "1.2.3, 1.3.0, 2026-10-19T06:00:00Z, true,  2026-10-26T07:00+01:00",
            "1.2.3, 1.3.0, 2026-10-19T06:00:01Z, true,  2026-11-02T07:00+01:00",
            "1.2.3, 1.3.0, 2027-03-22T06:00:00Z, true,  2027-04-05T07:00+02:00",
            "1.2.3, 1.3.0, 2027-10-25T06:00:00Z, true,  2027-11-01T07:00+01:00",
            // 0.y.z minor and pre-release updates are announced as major: notice.
            "0.4.1, 0.5.0, 2026-03-23T06:00:00Z, true,  2026-04-06T07:00+02:00",
            "2.0.0-rc.1, 2.0.0, 2026-10-19T06:00:00Z, true, 2026-10-26T07:00+01:00",
            // Patches: the next application window, no notice.
            "1.2.3, 1.2.4, 2026-03-23T06:00:00Z, false, 2026-03-23T07:00+01:00",
            "1.2.3, 1.2.4, 2026-03-23T06:00:01Z, false, 2026-03-30T07:00+02:00",
            "0.4.1, 0.4.2, 2026-10-25T12:00:00Z, false, 2026-10-26T07:00+01:00",
    })
    void notice_placesTheUpdate(String from, String to, Instant sentAt, boolean notice, String windowStart) {
        Classification classification = ChangeClassifier.announce(Version.parse(VersionScheme.SEMVER, from), Version.parse(VersionScheme.SEMVER, to));
        NoticePolicy.Placement placement = NoticePolicy.place(classification,
                sentAt, new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)).orElseThrow();
        assertThat(placement.noticeRequired()).isEqualTo(notice);
        assertThat(placement.window().kind()).isEqualTo(WindowKind.APP);
        assertThat(placement.window().start().toOffsetDateTime()).hasToString(windowStart);
        if (notice) {
            assertThat(Duration.between(sentAt, placement.window().start().toInstant())).isGreaterThanOrEqualTo(NoticePolicy.NOTICE_PERIOD);
            assertThat(NoticePolicy.noticeDeadline(placement.window())).isAfterOrEqualTo(sentAt);
        }
    }

    @Test
    void notice_none_andBlackouts() {
        WindowCalendar calendar = new WindowCalendar(MaintenanceSchedule.DEFAULT, new BlackoutDates(Set.of(LocalDate.of(2026, 10, 26)), Set.of()));
        assertThat(NoticePolicy.place(new Classification(ChangeClass.NONE, ChangeClass.NONE), Instant.parse("2026-10-19T05:00:00Z"), calendar)).isEmpty();
        NoticePolicy.Placement placement = NoticePolicy.place(new Classification(ChangeClass.MINOR, ChangeClass.MINOR),
                Instant.parse("2026-10-19T05:00:00Z"), calendar).orElseThrow();
        assertThat(placement.window().start().toOffsetDateTime()).hasToString("2026-11-02T07:00+01:00");
        WindowOccurrence october26 = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                .on(WindowKind.APP, LocalDate.of(2026, 10, 26)).orElseThrow();
        assertThat(NoticePolicy.noticeDeadline(october26)).isEqualTo(Instant.parse("2026-10-19T06:00:00Z"));
    }

    // ---- the emergency lane ----

    @ParameterizedTest(name = "{0} now {1} job {2}")
    @CsvSource({
            // zone,           now,                  job,   blackout,   slot start,                 job starts at
            "Europe/Brussels, 2026-03-28T12:00:00Z, PT20M, ,           2026-03-29T04:00+02:00, 2026-03-29T02:00:00Z",
            "Europe/Brussels, 2026-03-29T00:30:00Z, PT20M, ,           2026-03-29T04:00+02:00, 2026-03-29T02:00:00Z",
            "Europe/Brussels, 2026-10-25T03:30:00Z, PT20M, ,           2026-10-25T04:00+01:00, 2026-10-25T03:30:00Z",
            "Europe/Brussels, 2026-10-25T04:40:00Z, PT20M, ,           2026-10-25T04:00+01:00, 2026-10-25T04:40:00Z",
            "Europe/Brussels, 2026-10-25T04:41:00Z, PT20M, ,           2026-10-26T04:00+01:00, 2026-10-26T03:00:00Z",
            "Europe/Brussels, 2026-10-25T05:00:00Z, PT20M, ,           2026-10-26T04:00+01:00, 2026-10-26T03:00:00Z",
            "Europe/Brussels, 2026-03-28T12:00:00Z, PT20M, 2026-03-29, 2026-03-30T04:00+02:00, 2026-03-30T02:00:00Z",
            "Europe/Brussels, 2027-10-30T12:00:00Z, PT20M, ,           2027-10-31T04:00+01:00, 2027-10-31T03:00:00Z",
            "Europe/Brussels, 2026-11-30T02:59:00Z, PT2H,  ,           2026-11-30T04:00+01:00, 2026-11-30T03:00:00Z",
            "Europe/Brussels, 2026-11-30T03:00:01Z, PT2H,  ,           2026-12-01T04:00+01:00, 2026-12-01T03:00:00Z",
            // Athens springs forward 03:00 → 04:00: the jump lands on the slot's first instant, so that day is skipped.
            "Europe/Athens,   2026-03-28T12:00:00Z, PT20M, ,           2026-03-30T04:00+03:00, 2026-03-30T01:00:00Z",
            "Europe/Athens,   2027-03-27T12:00:00Z, PT20M, ,           2027-03-29T04:00+03:00, 2027-03-29T01:00:00Z",
            // Its autumn overlap is 03:00–03:59, before the slot: that day is fine.
            "Europe/Athens,   2026-10-24T12:00:00Z, PT20M, ,           2026-10-25T04:00+02:00, 2026-10-25T02:00:00Z",
    })
    void emergency_nextSlot(ZoneId zone, Instant now, Duration job, LocalDate blackout, String slotStart, Instant startsAt) {
        EmergencyLane lane = new EmergencyLane(zone, new BlackoutDates(Set.of(), blackout == null ? Set.of() : Set.of(blackout)));
        EmergencyLane.Start start = lane.plan(now, job, false);
        assertThat(start).isInstanceOfSatisfying(EmergencyLane.Start.InSlot.class, inSlot -> {
            assertThat(inSlot.slot().kind()).isEqualTo(WindowKind.EMERGENCY);
            assertThat(inSlot.slot().start().toOffsetDateTime()).hasToString(slotStart);
            assertThat(inSlot.slot().length()).isEqualTo(Duration.ofHours(2));
            assertThat(inSlot.slot().start().toLocalTime()).isEqualTo(LocalTime.of(4, 0));
        });
        assertThat(start.at()).isEqualTo(startsAt);
    }

    @Test
    void emergency_immediately_ignoresSlotsAndBlackouts() {
        Instant now = Instant.parse("2026-03-29T12:34:00Z");
        EmergencyLane lane = new EmergencyLane(BRUSSELS, new BlackoutDates(Set.of(LocalDate.of(2026, 3, 29)), Set.of()));
        assertThat(lane.plan(now, Duration.ofMinutes(10), true)).isEqualTo(new EmergencyLane.Start.Immediately(now));
    }

    @Test
    void emergency_slotDefinition_isValidated() {
        assertThatThrownBy(() -> new EmergencyLane(BRUSSELS, LocalTime.of(3, 0), LocalTime.of(5, 0), BlackoutDates.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no earlier than 04:00");
        assertThatThrownBy(() -> new EmergencyLane(BRUSSELS, LocalTime.of(23, 0), LocalTime.of(1, 0), BlackoutDates.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmergencyLane(BRUSSELS, BlackoutDates.NONE).plan(Instant.EPOCH, Duration.ZERO, false))
                .isInstanceOf(IllegalArgumentException.class);
        EmergencyLane later = new EmergencyLane(BRUSSELS, LocalTime.of(5, 30), LocalTime.of(6, 30), BlackoutDates.NONE);
        assertThat(later.plan(Instant.parse("2026-03-28T12:00:00Z"), Duration.ofMinutes(5), false).at())
                .isEqualTo(Instant.parse("2026-03-29T03:30:00Z"));
    }

    // ---- the cut-off rule ----

    @ParameterizedTest(name = "{0} job {1}")
    @CsvSource({
            // the application window of 2026-03-30 is 07:00–09:00 CEST = 05:00Z–07:00Z
            "2026-03-30T04:59:00Z, PT10M, NOT_YET_OPEN",
            "2026-03-30T05:00:00Z, PT10M, START",
            "2026-03-30T06:50:00Z, PT10M, START",
            "2026-03-30T06:50:01Z, PT10M, TOO_LITTLE_TIME_LEFT",
            "2026-03-30T05:00:00Z, PT2H,  START",
            "2026-03-30T05:00:00Z, PT2H1S, TOO_LITTLE_TIME_LEFT",
            "2026-03-30T07:00:00Z, PT10M, CLOSED",
    })
    void cutOff_applicationWindow(Instant now, Duration job, CutOffPolicy.Decision decision) {
        WindowOccurrence window = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                .on(WindowKind.APP, LocalDate.of(2026, 3, 30)).orElseThrow();
        assertThat(CutOffPolicy.decide(window, now, job)).isEqualTo(decision);
    }

    @ParameterizedTest(name = "{0} {1} job {2}")
    @CsvSource({
            // A Sunday 01:30–03:30 window is 1 real hour on 2026-03-29 and 3 on 2026-10-25: time left is real time.
            "2026-03-29, 2026-03-29T00:45:00Z, PT45M, START",                 // 01:45 CET; 45 min left, not 1 h 45
            "2026-03-29, 2026-03-29T00:45:00Z, PT50M, TOO_LITTLE_TIME_LEFT",
            "2026-10-25, 2026-10-25T01:00:00Z, PT90M, START",                 // 02:00 CET (second pass); 90 min left
            "2026-10-25, 2026-10-25T01:00:01Z, PT90M, TOO_LITTLE_TIME_LEFT",
            "2027-03-28, 2027-03-28T00:45:00Z, PT50M, TOO_LITTLE_TIME_LEFT",
            "2027-10-31, 2027-10-31T01:00:00Z, PT90M, START",
    })
    void cutOff_acrossDaylightSavingChanges(LocalDate day, Instant now, Duration job, CutOffPolicy.Decision decision) {
        MaintenanceSchedule schedule = new MaintenanceSchedule(BRUSSELS,
                new WeeklyWindow(DayOfWeek.SUNDAY, LocalTime.of(1, 30), LocalTime.of(3, 30)), MaintenanceSchedule.DEFAULT.app());
        WindowOccurrence window = new WindowCalendar(schedule, BlackoutDates.NONE).on(WindowKind.OS, day).orElseThrow();
        assertThat(CutOffPolicy.decide(window, now, job)).isEqualTo(decision);
        assertThat(CutOffPolicy.latestStart(window, job).isBefore(now) ? CutOffPolicy.Decision.TOO_LITTLE_TIME_LEFT : CutOffPolicy.Decision.START)
                .isEqualTo(decision);
    }
}
