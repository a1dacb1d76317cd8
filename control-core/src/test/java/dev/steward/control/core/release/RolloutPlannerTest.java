package dev.steward.control.core.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.core.version.ChangeClassifier;
import dev.steward.control.core.version.SemVer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** From classification to placement, across the 2026 and 2027 daylight-saving changes. */
class RolloutPlannerTest {

    private static final RolloutPlanner FLEET_ONLY = new RolloutPlanner(MaintenanceSchedule.DEFAULT, Map.of(), Map.of(),
            Map.of());

    static Release release(String from, String to, ReleaseTerms terms) {
        return new Release(1, 1, from, ChangeClassifier.announce(SemVer.parse(from), SemVer.parse(to)), terms,
                ReleaseSource.OPERATOR, ReleaseState.SOAKING, "operator:ops", Instant.parse("2026-01-01T00:00:00Z"),
                null, null, null, null, null, null, null);
    }

    static Release release(String from, String to) {
        return release(from, to, ReleaseTerms.of(to, "changes", "", ""));
    }

    private static RolloutPlanner.Placement one(RolloutPlanner planner, Release release, String now) {
        return planner.plan(release, Instant.parse(now), List.of(new RolloutPlanner.Candidate(7, 3, from(release))))
                .getFirst();
    }

    private static String from(Release release) {
        return release.previousVersion();
    }

    @ParameterizedTest(name = "{0} → {1} planned at {2}: window starts {3}, notice {4}")
    @CsvSource({
            // March 2026 (2026-03-29): Monday 07:00 to Monday 07:00 is only 167 hours: skip a week.
            "1.0.0, 2.0.0, 2026-03-23T06:00:00Z, 2026-04-06T05:00:00Z, true",
            "1.0.0, 1.1.0, 2026-03-23T06:00:00Z, 2026-04-06T05:00:00Z, true",
            // Planned an hour earlier, exactly 168 h before the next window: allowed ("at least").
            "1.0.0, 1.1.0, 2026-03-23T05:00:00Z, 2026-03-30T05:00:00Z, true",
            // October 2026 (2026-10-25): 169 hours, the week after is fine.
            "1.0.0, 1.1.0, 2026-10-19T05:00:00Z, 2026-10-26T06:00:00Z, true",
            // March 2027 (2027-03-28).
            "1.4.2, 2.0.0, 2027-03-22T06:00:00Z, 2027-04-05T05:00:00Z, true",
            // Patch: the next window, no notice (UPD-4).
            "1.0.0, 1.0.1, 2026-03-24T10:00:00Z, 2026-03-30T05:00:00Z, false",
            "1.0.0, 1.0.1, 2026-10-25T23:30:00Z, 2026-10-26T06:00:00Z, false",
            // The window in progress is not "next": a patch planned at 07:30 waits a week.
            "1.0.0, 1.0.1, 2026-10-26T06:30:00Z, 2026-11-02T06:00:00Z, false",
            // 0.y.z minor and a pre-release are announced as major: notice and a week.
            "0.3.1, 0.4.0, 2026-03-24T10:00:00Z, 2026-04-06T05:00:00Z, true",
            "2.0.0-rc.1, 2.0.0, 2026-03-24T10:00:00Z, 2026-04-06T05:00:00Z, true",
            // A 0.y.z patch stays a patch.
            "0.3.1, 0.3.2, 2026-03-24T10:00:00Z, 2026-03-30T05:00:00Z, false"})
    void plainRelease_noticeRule(String from, String to, String now, String windowStart, boolean notice) {
        RolloutPlanner.Placement placement = one(FLEET_ONLY, release(from, to), now);
        assertThat(placement.window().kind()).isEqualTo(WindowKind.APP);
        assertThat(placement.window().start().toInstant()).isEqualTo(Instant.parse(windowStart));
        assertThat(placement.notice()).isEqualTo(notice);
        if (notice) {
            assertThat(Duration.between(Instant.parse(now), placement.window().start().toInstant()))
                    .isGreaterThanOrEqualTo(Duration.ofHours(168));
        }
    }

    @Test
    void customerBlackout_movesTheWindowAWeek_serverBlackoutOnlyThatServer() {
        Release patch = release("1.0.0", "1.0.1");
        RolloutPlanner planner = new RolloutPlanner(MaintenanceSchedule.DEFAULT, Map.of(),
                Map.of(3L, Set.of(LocalDate.parse("2026-03-30"))), Map.of(9L, Set.of(LocalDate.parse("2026-04-06"))));
        List<RolloutPlanner.Placement> placements = planner.plan(patch, Instant.parse("2026-03-24T10:00:00Z"), List.of(
                new RolloutPlanner.Candidate(7, 3, "1.0.0"), new RolloutPlanner.Candidate(9, 3, "1.0.0"),
                new RolloutPlanner.Candidate(11, 4, "1.0.0")));
        assertThat(placements.get(0).window().start().toInstant()).isEqualTo(Instant.parse("2026-04-06T05:00:00Z"));
        assertThat(placements.get(1).window().start().toInstant()).isEqualTo(Instant.parse("2026-04-13T05:00:00Z"));
        assertThat(placements.get(2).window().start().toInstant()).isEqualTo(Instant.parse("2026-03-30T05:00:00Z"));
    }

    @Test
    void customerSchedule_ownZoneAndDay() {
        MaintenanceSchedule london = MaintenanceSchedule.DEFAULT.with(new ScheduleOverride(
                Optional.of(ZoneId.of("Europe/London")), Optional.empty(),
                Optional.of(WeeklyWindow.parse("TUESDAY 22:00-23:30"))));
        RolloutPlanner planner = new RolloutPlanner(MaintenanceSchedule.DEFAULT, Map.of(3L, london), Map.of(), Map.of());
        RolloutPlanner.Placement placement = one(planner, release("1.0.0", "1.0.1"), "2026-03-24T10:00:00Z");
        // Tuesday 2026-03-24 22:00 GMT.
        assertThat(placement.window().start().toInstant()).isEqualTo(Instant.parse("2026-03-24T22:00:00Z"));
        assertThat(placement.window().start().getZone()).isEqualTo(ZoneId.of("Europe/London"));
    }

    @Test
    void serverAtTheVersion_isSkipped() {
        List<RolloutPlanner.Placement> placements = FLEET_ONLY.plan(release("1.0.0", "1.1.0"),
                Instant.parse("2026-03-24T10:00:00Z"), List.of(new RolloutPlanner.Candidate(7, 3, "1.1.0")));
        assertThat(placements.getFirst().isSkipped()).isTrue();
        assertThat(placements.getFirst().skipped()).contains("1.1.0");
        assertThat(placements.getFirst().window()).isNull();
    }

    @ParameterizedTest(name = "security planned at {0}: slot starts {1}")
    @CsvSource({
            // Saturday before the March change: Sunday's 04:00 CEST is after the 02:00→03:00 jump.
            "2026-03-28T10:00:00Z, 2026-03-29T02:00:00Z",
            // Inside today's slot with room left: now.
            "2026-03-24T03:30:00Z, 2026-03-24T03:00:00Z",
            // Too little room left today (10 min job, 5 min left): tomorrow.
            "2026-03-24T04:55:00Z, 2026-03-25T03:00:00Z",
            // The night of the October change: Sunday 04:00 CET.
            "2026-10-24T12:00:00Z, 2026-10-25T03:00:00Z",
            "2027-10-30T12:00:00Z, 2027-10-31T03:00:00Z"})
    void security_nextEarlyMorningSlot_noticeWithout168Hours(String now, String slotStart) {
        Release security = release("1.0.0", "1.0.1", ReleaseTerms.of("1.0.1", "fix", "", "")
                .asSecurity(List.of("CVE-2026-12345"), false));
        RolloutPlanner.Placement placement = one(FLEET_ONLY, security, now);
        assertThat(placement.window().kind()).isEqualTo(WindowKind.EMERGENCY);
        assertThat(placement.window().start().toInstant()).isEqualTo(Instant.parse(slotStart));
        assertThat(placement.notice()).isTrue();
    }

    @Test
    void security_blackoutDate_skipsThatMorning() {
        Release security = release("1.0.0", "1.0.1", ReleaseTerms.of("1.0.1", "fix", "", "")
                .asSecurity(List.of(), false));
        RolloutPlanner planner = new RolloutPlanner(MaintenanceSchedule.DEFAULT, Map.of(),
                Map.of(3L, Set.of(LocalDate.parse("2026-03-25"))), Map.of());
        assertThat(one(planner, security, "2026-03-24T10:00:00Z").window().start().toInstant())
                .isEqualTo(Instant.parse("2026-03-26T03:00:00Z"));
    }

    @Test
    void security_immediate_startsNow() {
        Release security = release("1.0.0", "2.0.0", ReleaseTerms.of("2.0.0", "fix", "", "")
                .asSecurity(List.of("cve-2027-0001"), true));
        assertThat(security.terms().cveIds()).containsExactly("CVE-2027-0001");
        RolloutPlanner.Placement placement = one(FLEET_ONLY, security, "2027-03-28T01:30:00Z");
        assertThat(placement.window().kind()).isEqualTo(WindowKind.EMERGENCY);
        assertThat(placement.window().start().toInstant()).isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
        assertThat(placement.window().length()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void terms_validation() {
        assertThatThrownBy(() -> ReleaseTerms.of("1.0.0", "", "", "").asSecurity(List.of("CVE-26-1"), false))
                .hasMessageContaining("not a CVE id");
        assertThatThrownBy(() -> ReleaseTerms.of("1.0.0", "", "", "").asSecurity(List.of("CVE-2026-123"), false))
                .hasMessageContaining("not a CVE id");
        assertThatThrownBy(() -> new ReleaseTerms("1.0.0", "", "", "", false, List.of("CVE-2026-1234"), false, null, 1, 0))
                .hasMessageContaining("security");
        assertThatThrownBy(() -> new ReleaseTerms("1.0.0", "", "", "", false, List.of(), true, null, 1, 0))
                .hasMessageContaining("immediate");
        assertThatThrownBy(() -> new ReleaseTerms("1.0.0", "", "", "", false, List.of(), false, null, 0, 0))
                .hasMessageContaining("wave_size");
        assertThatThrownBy(() -> new ReleaseTerms(" ", "", "", "", false, List.of(), false, null, 1, 0))
                .hasMessageContaining("version");
        ReleaseTerms defaults = new ReleaseTerms("1.0.0", null, null, null, false, null, false, null, 25, 3);
        assertThat(defaults.expected()).isEqualTo(ReleaseTerms.DEFAULT_EXPECTED);
        assertThat(defaults.changelog()).isEmpty();
        assertThat(ReleaseTerms.cvesOf("CVE-2026-1234,CVE-2026-99999")).hasSize(2);
    }

    @Test
    void patchOfSecurityRelease_stillNotified_plainPatchNot() {
        assertThat(release("1.0.0", "1.0.1").needsNotice()).isFalse();
        assertThat(release("1.0.0", "1.0.1", ReleaseTerms.of("1.0.1", "", "", "").asSecurity(List.of(), false))
                .needsNotice()).isTrue();
        assertThat(release("1.0.0", "1.1.0").classification().announceAs()).isEqualTo(ChangeClass.MINOR);
    }

    @Test
    void tenThousandServers_threeThousandCustomers_allPlaced() {
        Map<Long, MaintenanceSchedule> schedules = new HashMap<>();
        Map<Long, Set<LocalDate>> customerBlackouts = new HashMap<>();
        Map<Long, Set<LocalDate>> serverBlackouts = new HashMap<>();
        for (long customer = 0; customer < 3_000; customer++) {
            schedules.put(customer, customer % 10 == 0 ? MaintenanceSchedule.DEFAULT.withZone(ZoneId.of("Europe/London"))
                    : MaintenanceSchedule.DEFAULT);
            if (customer % 7 == 0) {
                customerBlackouts.put(customer, Set.of(LocalDate.parse("2026-04-06")));
            }
        }
        List<RolloutPlanner.Candidate> candidates = new ArrayList<>();
        for (long server = 0; server < 10_000; server++) {
            candidates.add(new RolloutPlanner.Candidate(server, server % 3_000, "1.0.0"));
            if (server % 50 == 0) {
                serverBlackouts.put(server, Set.of(LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-13")));
            }
        }
        RolloutPlanner planner = new RolloutPlanner(MaintenanceSchedule.DEFAULT, schedules, customerBlackouts,
                serverBlackouts);
        Release minor = release("1.0.0", "1.1.0");
        List<RolloutPlanner.Placement> placements = planner.plan(minor, Instant.parse("2026-03-24T10:00:00Z"), candidates);
        // Every server placed; how fast is measured by bench/plan-bench (docs/benchmarks-maintenance.md),
        // not here: a unit test's timing says nothing on a loaded build machine.
        assertThat(placements).hasSize(10_000).allMatch(p -> p.window() != null);
    }
}
