package dev.steward.control.core.release;

import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.EmergencyLane;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.NoticePolicy;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stage 2 of a release (UPD-3, UPD-4, MAINT-3, MAINT-4): which window each production server gets.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>A server already at the release's version is skipped.</li>
 *   <li>A plain release goes where {@link NoticePolicy#place} puts it in the server's calendar
 *       (its customer's schedule, the customer's and the server's blackout dates): announced as
 *       major or minor → the first application window starting at least 168 real hours after
 *       {@code now} (the notices go out now); patch → the next application window, no notice.</li>
 *   <li>A security release takes the emergency lane ({@link EmergencyLane}, in the customer's
 *       schedule zone, same blackout dates): the next early-morning slot whose room fits the
 *       expected duration, or — when the operator said immediate — a window from {@code now} lasting
 *       the default slot length (or the expected duration when longer). No 168-hour rule; the
 *       notice still goes out ({@link Release#needsNotice}).</li>
 * </ul>
 *
 * <p><b>Speed.</b> Planning the fleet (10,000 servers, 3,000 customers) must take well under a
 * second: a server without blackout dates of its own shares its customer's answer, so the calendar
 * search runs about once per customer.
 *
 * <p>Thread safety: immutable after construction; {@link #plan} keeps its cache per call.
 */
public final class RolloutPlanner {

    /**
     * A production server to plan.
     *
     * @param serverId the server
     * @param customerId its customer
     * @param installedVersion the version its agent last reported, or null
     */
    public record Candidate(long serverId, long customerId, String installedVersion) {
    }

    /**
     * The answer for one server.
     *
     * @param serverId the server
     * @param customerId its customer
     * @param window the window it updates in; null when skipped
     * @param notice true when its customer gets a notice
     * @param skipped why it is not updated, or null
     */
    public record Placement(long serverId, long customerId, WindowOccurrence window, boolean notice, String skipped) {
        /** @return true when the server is not updated */
        public boolean isSkipped() {
            return skipped != null;
        }
    }

    private final MaintenanceSchedule fleet;                   // for customers without a row in schedules
    private final Map<Long, MaintenanceSchedule> schedules;    // by customer id
    private final Map<Long, Set<LocalDate>> customerBlackouts; // by customer id
    private final Map<Long, Set<LocalDate>> serverBlackouts;   // by server id

    /**
     * @param fleet the fleet schedule (for a customer missing from {@code schedules})
     * @param schedules every customer's effective schedule
     * @param customerBlackouts blackout dates by customer
     * @param serverBlackouts blackout dates by server
     */
    public RolloutPlanner(MaintenanceSchedule fleet, Map<Long, MaintenanceSchedule> schedules,
                          Map<Long, Set<LocalDate>> customerBlackouts, Map<Long, Set<LocalDate>> serverBlackouts) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.schedules = Map.copyOf(schedules);
        this.customerBlackouts = Map.copyOf(customerBlackouts);
        this.serverBlackouts = Map.copyOf(serverBlackouts);
    }

    /**
     * @param release the release (classification, flags, expected duration)
     * @param now the planning instant: when the notices are sent
     * @param candidates the application's production servers
     * @return one placement per candidate, in the candidates' order
     */
    public List<Placement> plan(Release release, Instant now, List<Candidate> candidates) {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(now, "now");
        boolean notice = release.needsNotice();
        Map<Long, WindowOccurrence> byCustomer = new HashMap<>();
        List<Placement> placements = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            if (release.version().equals(candidate.installedVersion())) {
                placements.add(new Placement(candidate.serverId(), candidate.customerId(), null, false,
                        "already at version " + release.version()));
                continue;
            }
            Set<LocalDate> own = serverBlackouts.getOrDefault(candidate.serverId(), Set.of());
            WindowOccurrence window = own.isEmpty()
                    ? byCustomer.computeIfAbsent(candidate.customerId(), customer -> window(release, now, customer, own))
                    : window(release, now, candidate.customerId(), own);
            placements.add(new Placement(candidate.serverId(), candidate.customerId(), window, notice, null));
        }
        return placements;
    }

    private WindowOccurrence window(Release release, Instant now, long customerId, Set<LocalDate> own) {
        MaintenanceSchedule schedule = schedules.getOrDefault(customerId, fleet);
        BlackoutDates blackouts = new BlackoutDates(customerBlackouts.getOrDefault(customerId, Set.of()), own);
        Duration expected = release.terms().expected();
        if (release.terms().security()) {
            EmergencyLane.Start start = new EmergencyLane(schedule.zone(), blackouts).plan(now, expected,
                    release.terms().immediate());
            return switch (start) {
                case EmergencyLane.Start.InSlot slot -> slot.slot();
                case EmergencyLane.Start.Immediately immediately -> immediateWindow(immediately.at(), expected, schedule);
            };
        }
        return NoticePolicy.place(release.classification(), now, new WindowCalendar(schedule, blackouts))
                .map(NoticePolicy.Placement::window)
                .orElseThrow(() -> new IllegalArgumentException("release " + release.version() + " is not an update of "
                        + release.previousVersion()));
    }

    /** "Now": from the request for the default slot length, or the expected duration when longer. */
    static WindowOccurrence immediateWindow(Instant now, Duration expected, MaintenanceSchedule schedule) {
        Duration slot = Duration.between(EmergencyLane.DEFAULT_SLOT_START, EmergencyLane.DEFAULT_SLOT_END);
        Duration length = expected.compareTo(slot) > 0 ? expected : slot;
        return new WindowOccurrence(WindowKind.EMERGENCY, now.atZone(schedule.zone()),
                now.plus(length).atZone(schedule.zone()));
    }
}
