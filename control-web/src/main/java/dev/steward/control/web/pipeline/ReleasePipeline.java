package dev.steward.control.web.pipeline;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.release.RolloutPlanner;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.JobOutcomeListener;
import dev.steward.control.store.PlannedUpdate;
import dev.steward.control.store.ReleaseRepository;
import dev.steward.control.store.RolloutPlanRepository;
import dev.steward.control.store.UnknownEntityException;
import dev.steward.control.web.notify.MaintenanceNotice;
import dev.steward.control.web.notify.MaintenanceNoticeSender;
import dev.steward.control.web.notify.NoticeNotSentException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update pipeline's mechanism (UPD-2..UPD-4, MAINT-3, MAINT-4): release intake, the operator's
 * decisions, and planning the rollout with its notices.
 *
 * <p><b>Planning</b> ({@link #plan}): {@link RolloutPlanRepository#createPlan} puts every production
 * server in its window (one transaction), then each customer that must be told gets exactly one
 * notice through the {@link MaintenanceNoticeSender} — claimed in the store first, sent outside any
 * transaction, its outcome recorded (a failure blocks that customer's targets, with the reason) —
 * and finally the release becomes PLANNED. Run again after a crash it continues where it stopped and
 * never sends a notice twice.
 *
 * <p><b>Periodic work</b> (called by the scheduler): {@link #advance(Instant)} plans every release
 * whose soak time has passed or that an operator approved; the test stage's outcomes arrive through
 * {@link #testStageListener()}.
 *
 * <p>Thread safety: thread-safe; several instances may run it at once (the store decides who plans
 * and who sends).
 */
public final class ReleasePipeline {

    private static final Logger log = LoggerFactory.getLogger(ReleasePipeline.class);
    private static final Actor PLANNER = Actor.system("release-planner");

    private final ReleaseRepository releases;
    private final RolloutPlanRepository plans;
    private final ApplicationRepository applications;
    private final CustomerRepository customers;
    private final MaintenanceNoticeSender sender;
    private final Clock clock;
    private final Duration soak;

    /**
     * @param sender sends the customers' notices
     * @param clock the pipeline's clock (tests move it)
     * @param soak how long a green test stage soaks before the rollout is planned
     */
    public ReleasePipeline(ReleaseRepository releases, RolloutPlanRepository plans, ApplicationRepository applications,
                           CustomerRepository customers, MaintenanceNoticeSender sender, Clock clock, Duration soak) {
        this.releases = Objects.requireNonNull(releases, "releases");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.applications = Objects.requireNonNull(applications, "applications");
        this.customers = Objects.requireNonNull(customers, "customers");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (soak.isNegative()) {
            throw new IllegalArgumentException("soak time must not be negative: " + soak);
        }
        this.soak = soak;
    }

    /** A sender for a control plane without a relay: every notice fails with {@code reason}. */
    public static MaintenanceNoticeSender unavailableSender(String reason) {
        return notice -> {
            throw new NoticeNotSentException(reason);
        };
    }

    public ReleaseRepository releases() {
        return releases;
    }

    public RolloutPlanRepository plans() {
        return plans;
    }

    /** The pipeline's clock. */
    public Clock clock() {
        return clock;
    }

    /** The listener for test-stage jobs (compose it with the executor's). */
    public JobOutcomeListener testStageListener() {
        return releases.testStageListener(soak);
    }

    /** Registers a release (and starts its test stage when the application has test servers). */
    public Release register(Actor actor, long applicationId, ReleaseTerms terms, ReleaseSource source) {
        Release release = releases.register(actor, applicationId, terms, source, clock.instant());
        log.info("release_registered release_id={} application_id={} version={} previous={} class={} announce_as={}"
                        + " security={} source={} state={}", release.id(), applicationId, release.version(),
                release.previousVersion(), release.classification().change(), release.classification().announceAs(),
                terms.security(), source, release.state());
        return release;
    }

    /** An operator starts the test stage of a REGISTERED release (after adding a test server). */
    public Release startTest(Actor actor, long releaseId) {
        return releases.startTest(actor, releaseId, clock.instant());
    }

    /** An operator withdraws a release. */
    public Release cancel(Actor actor, long releaseId, String reason) {
        return releases.cancel(actor, releaseId, reason, clock.instant());
    }

    /** An operator approves (skipping the soak, or the test stage when there is no test server); plans at once. */
    public Plan approve(Actor actor, long releaseId) {
        releases.approve(actor, releaseId, clock.instant());
        return plan(releaseId);
    }

    /**
     * What planning did.
     *
     * @param release the release afterwards
     * @param created true when this run created the targets (false: they existed)
     * @param noticesSent notices the relay accepted in this run
     * @param noticesFailed notices that failed in this run
     */
    public record Plan(Release release, boolean created, int noticesSent, int noticesFailed) {
    }

    /**
     * Plans the release's rollout and sends its notices (see the class comment); re-runnable.
     *
     * @throws dev.steward.control.core.release.ReleaseTransitionException if it is not due for planning
     */
    public Plan plan(long releaseId) {
        Instant now = clock.instant();
        boolean created = plans.createPlan(PLANNER, releaseId, now);
        Release release = releases.find(releaseId).orElseThrow(() -> new UnknownEntityException("release", releaseId));
        Application application = applications.find(release.applicationId())
                .orElseThrow(() -> new UnknownEntityException("application", release.applicationId()));
        int sent = 0;
        int failed = 0;
        for (RolloutPlanRepository.NoticeDue due : plans.noticesDue(releaseId)) {
            Customer customer = customers.find(due.customerId())
                    .orElseThrow(() -> new UnknownEntityException("customer", due.customerId()));
            String placeholder = application.name() + " " + release.version();
            if (!plans.claimNotice(PLANNER, releaseId, customer.id(), due.occurrenceId(), customer.language().code(),
                    customer.contacts(), placeholder, clock.instant())) {
                continue; // another planner has it
            }
            MaintenanceNotice notice = new MaintenanceNotice(releaseId, customer, application.name(),
                    release.previousVersion(), release.version(), release.classification().announceAs(),
                    release.terms().security(), release.terms().cveIds(), due.window(), release.terms().changelog(),
                    release.terms().stepsBefore(), release.terms().stepsAfter(), due.appHosts());
            try {
                MaintenanceNoticeSender.Sent outcome = sender.send(notice);
                plans.noticeSent(PLANNER, releaseId, customer.id(), outcome.messageId(), outcome.subject(),
                        outcome.recipients(), clock.instant());
                sent++;
                log.info("release_notice release_id={} customer_id={} status=sent message_id=<{}> window={}", releaseId,
                        customer.id(), outcome.messageId(), due.window().start());
            } catch (NoticeNotSentException | RuntimeException notSent) {
                // One customer's failure (or a sender bug) blocks that customer only.
                plans.noticeFailed(PLANNER, releaseId, customer.id(), notSent.getMessage() == null
                        ? notSent.getClass().getSimpleName() : notSent.getMessage(), clock.instant());
                failed++;
                log.warn("release_notice release_id={} customer_id={} status=failed reason=\"{}\"", releaseId,
                        customer.id(), notSent.getMessage(), notSent instanceof RuntimeException ? notSent : null);
            }
        }
        Release planned = plans.markPlanned(PLANNER, releaseId, clock.instant());
        log.info("release_planned release_id={} created={} notices_sent={} notices_failed={}", releaseId, created, sent,
                failed);
        return new Plan(planned, created, sent, failed);
    }

    /**
     * The periodic step: plans every release that is due at {@code now} (soaked, or approved, or
     * left half-planned by a stopped instance). A release that fails to plan is logged and the
     * others still go ahead.
     *
     * @return the plans made
     */
    public List<Plan> advance(Instant now) {
        List<Plan> done = new ArrayList<>();
        for (long releaseId : plans.dueForPlanning(now)) {
            try {
                done.add(plan(releaseId));
            } catch (RuntimeException failure) {
                log.error("release_plan_failed release_id={} reason=\"{}\"", releaseId, failure.getMessage(), failure);
            }
        }
        return done;
    }

    /** {@link #advance(Instant)} at the pipeline clock's now. */
    public List<Plan> advance() {
        return advance(clock.instant());
    }

    /**
     * One row of a dry run or of the stored plan.
     *
     * @param releaseId the release
     * @param applicationName the application
     * @param version the target version
     * @param previousVersion the version replaced
     * @param announceAs how customers are told
     * @param security true for a security fix
     * @param serverId the server
     * @param serverName the server's name
     * @param customerId the server's customer
     * @param window the window, null when skipped
     * @param state the target's state, or {@code WOULD_PLAN} / {@code WOULD_SKIP} in a dry run
     * @param notice true when the customer is (or would be) told
     * @param detail why blocked or skipped, or null
     */
    public record PreviewRow(long releaseId, String applicationName, String version, String previousVersion,
                             String announceAs, boolean security, long serverId, String serverName, long customerId,
                             WindowOccurrence window, String state, boolean notice, String detail) {
    }

    /** A dry run of the release's rollout at the clock's now: what would go where; nothing is written. */
    public List<PreviewRow> preview(long releaseId) {
        Release release = releases.find(releaseId).orElseThrow(() -> new UnknownEntityException("release", releaseId));
        return preview(release, clock.instant());
    }

    private List<PreviewRow> preview(Release release, Instant at) {
        String name = applications.find(release.applicationId()).map(Application::name).orElse("#" + release.applicationId());
        Map<Long, String> serverNames = plans.serverNames(release.applicationId());
        List<PreviewRow> rows = new ArrayList<>();
        for (RolloutPlanner.Placement placement : plans.planner(at).plan(release, at,
                plans.candidates(release.applicationId()))) {
            rows.add(new PreviewRow(release.id(), name, release.version(), release.previousVersion(),
                    release.classification().announceAs().name(), release.terms().security(), placement.serverId(),
                    serverNames.getOrDefault(placement.serverId(), "#" + placement.serverId()), placement.customerId(),
                    placement.window(), placement.isSkipped() ? "WOULD_SKIP" : "WOULD_PLAN", placement.notice(),
                    placement.skipped()));
        }
        return rows;
    }

    /** The stored production plan of a release as preview rows (state = the target's). */
    public List<PreviewRow> storedPlan(long releaseId) {
        Release release = releases.find(releaseId).orElseThrow(() -> new UnknownEntityException("release", releaseId));
        String name = applications.find(release.applicationId()).map(Application::name).orElse("#" + release.applicationId());
        return releases.targets(releaseId).stream()
                .filter(target -> target.stage() == dev.steward.control.core.release.TargetStage.PRODUCTION)
                .map(target -> new PreviewRow(releaseId, name, release.version(), release.previousVersion(),
                        release.classification().announceAs().name(), release.terms().security(), target.serverId(),
                        target.serverName(), target.customerId(), window(target.windowKind(), target.startsAt(),
                        target.endsAt(), target.zone()), target.state().name(), release.needsNotice(), target.detail()))
                .toList();
    }

    /**
     * The "next Monday" preview: what runs where on {@code date} (local date of the fleet's zone) —
     * the stored PLANNED and NOTICE_BLOCKED targets whose window starts that day, and a dry run of
     * every release that would be planned by then (soaking until before that day, or approved) whose
     * windows fall on it. Nothing is written.
     *
     * @param date the day; null for the next day of the fleet's application window whose window has
     *     not ended yet
     */
    public NextWindows nextWindows(LocalDate date) {
        Instant now = clock.instant();
        ZoneId zone = plans.fleet().zone();
        LocalDate day = date != null ? date : new WindowCalendar(plans.fleet(), BlackoutDates.NONE)
                .next(WindowKind.APP, now, 1).getFirst().start().toLocalDate();
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        List<PreviewRow> rows = new ArrayList<>();
        for (PlannedUpdate update : plans.upcoming(from, to)) {
            var target = update.target();
            rows.add(new PreviewRow(update.releaseId(), update.applicationName(), update.version(),
                    update.previousVersion(), update.announceAs(), update.security(), target.serverId(),
                    target.serverName(), target.customerId(), window(target.windowKind(), target.startsAt(),
                    target.endsAt(), target.zone()), target.state().name(), false, target.detail()));
        }
        List<Release> candidates = new ArrayList<>(releases.list(null, ReleaseState.SOAKING, 500));
        candidates.addAll(releases.list(null, ReleaseState.REGISTERED, 500).stream()
                .filter(release -> release.approvedAt() != null).toList());
        for (Release release : candidates) {
            Instant planAt = release.approvedAt() != null || release.soakUntil() == null
                    || !release.soakUntil().isAfter(now) ? now : release.soakUntil();
            if (!planAt.isBefore(to)) {
                continue;
            }
            preview(release, planAt).stream()
                    .filter(row -> row.window() != null && !row.window().start().toInstant().isBefore(from)
                            && row.window().start().toInstant().isBefore(to))
                    .forEach(rows::add);
        }
        rows.sort(Comparator.comparing((PreviewRow row) -> row.window().start().toInstant())
                .thenComparing(PreviewRow::serverName));
        return new NextWindows(day, zone, rows);
    }

    /**
     * The "next Monday" preview.
     *
     * @param day the local date shown
     * @param zone the fleet's zone the date is in
     * @param rows stored targets and dry-run placements, by window start and server name
     */
    public record NextWindows(LocalDate day, ZoneId zone, List<PreviewRow> rows) {
    }

    private static WindowOccurrence window(WindowKind kind, Instant start, Instant end, String zone) {
        if (kind == null) {
            return null;
        }
        ZoneId id = ZoneId.of(zone);
        return new WindowOccurrence(kind, ZonedDateTime.ofInstant(start, id), ZonedDateTime.ofInstant(end, id));
    }
}
