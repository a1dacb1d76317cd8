package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTransitionException;
import dev.steward.control.core.release.RolloutPlanner;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Stage 2 of a release in the store (UPD-3, UPD-4, MAINT-3, MAINT-4): the rollout plan (production
 * targets in their windows) and the record of its notices.
 *
 * <p><b>Re-runnable planning.</b> Planning is three steps, so that no transaction stays open while
 * a notice is handed to the relay, and a planner that dies half-way is simply run again:
 * <ol>
 *   <li>{@link #createPlan}, one transaction with the release row locked: windows materialised
 *       ({@link WindowOccurrenceRepository#idOf}), one PRODUCTION target per production server —
 *       {@code PLANNED} when no notice is needed, {@code NOTICE_BLOCKED} ("waiting for the notice")
 *       when one is, {@code SKIPPED} when already at the version. When the release already has
 *       production targets, nothing is planned again.</li>
 *   <li>per customer {@link #noticesDue}: {@link #claimNotice} inserts the customer's
 *       {@code maintenance_notice} row <em>before</em> sending (unique per release and customer, so
 *       two planners never both send), then {@link #noticeSent} (targets → PLANNED) or
 *       {@link #noticeFailed} (targets stay NOTICE_BLOCKED with the reason). A planner that dies
 *       between claim and outcome leaves the customer blocked with "outcome not recorded": never
 *       sent twice, and the rollout plan says so.</li>
 *   <li>{@link #markPlanned}: the release → PLANNED.</li>
 * </ol>
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class RolloutPlanRepository {

    /** The detail of a target whose customer's notice is not sent yet. */
    public static final String AWAITING_NOTICE = "waiting for the customer's maintenance notice";
    /** The error of a claimed notice whose outcome was never recorded (the planner stopped). */
    public static final String CLAIMED = "sending; outcome not recorded (if this stays, the planner stopped while"
            + " sending: the notice may or may not have gone out, so the slot is not used)";

    private static final RowMapper<NoticeRecord> NOTICE = (rs, ctx) -> new NoticeRecord(rs.getLong("id"),
            rs.getLong("release_id"), rs.getLong("customer_id"), rs.getString("customer_name"),
            Sql.nullableLong(rs, "occurrence_id"), rs.getString("language"), rs.getString("recipients"),
            rs.getString("subject"), rs.getString("message_id"), rs.getString("state"), rs.getString("error"),
            Sql.instant(rs, "attempted_at"), Sql.instant(rs, "sent_at"));

    private final Database database;
    private final MaintenanceSettingsRepository settings;

    /**
     * @param database where plans live
     * @param settings the fleet schedule, customers' overrides and blackouts
     */
    public RolloutPlanRepository(Database database, MaintenanceSettingsRepository settings) {
        this.database = Objects.requireNonNull(database, "database");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * A customer that must be told before its targets are used.
     *
     * @param customerId the customer
     * @param occurrenceId the customer's first window in this release
     * @param window that window
     * @param appHosts the customer's servers in the release, by app host
     */
    public record NoticeDue(long customerId, long occurrenceId, WindowOccurrence window, List<String> appHosts) {
    }

    /**
     * The planner with every customer's schedule and every blackout from yesterday on (two queries:
     * the fleet is planned in memory).
     */
    public RolloutPlanner planner(Instant now) {
        Map<Long, MaintenanceSchedule> schedules = settings.allSchedules();
        Map<Long, Set<LocalDate>> customerBlackouts = new HashMap<>();
        Map<Long, Set<LocalDate>> serverBlackouts = new HashMap<>();
        for (Blackout blackout : settings.allBlackouts(now.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1))) {
            Map<Long, Set<LocalDate>> into = blackout.customerId() != null ? customerBlackouts : serverBlackouts;
            long key = blackout.customerId() != null ? blackout.customerId() : blackout.serverId();
            into.computeIfAbsent(key, k -> new HashSet<>()).addAll(blackout.dates());
        }
        return new RolloutPlanner(settings.fleet(), schedules, customerBlackouts, serverBlackouts);
    }

    /** @return the fleet's schedule (configuration) */
    public MaintenanceSchedule fleet() {
        return settings.fleet();
    }

    /** @return the names of the application's production servers, by server id */
    public Map<Long, String> serverNames(long applicationId) {
        return database.jdbi().withHandle(handle -> {
            Map<Long, String> names = new HashMap<>();
            handle.createQuery("select id, name from server where application_id = :app and role = 'PRODUCTION'")
                    .bind("app", applicationId)
                    .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("name")))
                    .forEach(entry -> names.put(entry.getKey(), entry.getValue()));
            return names;
        });
    }

    /** @return the application's production servers, by id */
    public List<RolloutPlanner.Candidate> candidates(long applicationId) {
        return database.jdbi().withHandle(handle -> candidates(handle, applicationId));
    }

    private static List<RolloutPlanner.Candidate> candidates(Handle handle, long applicationId) {
        return handle.createQuery("""
                        select id, customer_id, installed_version from server
                        where application_id = :app and role = 'PRODUCTION' order by id
                        """)
                .bind("app", applicationId)
                .map((rs, ctx) -> new RolloutPlanner.Candidate(rs.getLong("id"), rs.getLong("customer_id"),
                        rs.getString("installed_version")))
                .list();
    }

    /** @return the releases whose rollout is due to be planned at {@code now} (soaked, or approved), by id */
    public List<Long> dueForPlanning(Instant now) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select id from app_release
                        where (state = 'SOAKING' and (soak_until <= :now or approved_at is not null))
                           or (state = 'REGISTERED' and approved_at is not null)
                        order by id
                        """)
                .bind("now", ReleaseRepository.micros(now)).mapTo(Long.class).list());
    }

    /**
     * Step 1: the production targets in their windows, unless the release has them already.
     *
     * @return true when targets were created now, false when the plan existed
     * @throws ReleaseTransitionException if the release is not due for planning
     */
    public boolean createPlan(Actor actor, long releaseId, Instant now) {
        Instant at = ReleaseRepository.micros(now);
        // Read the calendars before the transaction: the release row stays locked only briefly.
        RolloutPlanner planner = planner(at);
        return database.jdbi().inTransaction(handle -> {
            Release release = ReleaseRepository.lock(handle, releaseId);
            requireDue(release, at);
            int existing = handle.createQuery("""
                            select count(*) from release_target where release_id = :id and stage = 'PRODUCTION'
                            """)
                    .bind("id", releaseId).mapTo(Integer.class).one();
            if (existing > 0) {
                return false;
            }
            List<RolloutPlanner.Placement> placements = planner.plan(release, at,
                    candidates(handle, release.applicationId()));
            Map<WindowOccurrence, Long> windows = new LinkedHashMap<>();
            var batch = handle.prepareBatch("""
                    insert into release_target (release_id, server_id, stage, occurrence_id, state, detail, updated_at)
                    values (:release, :server, 'PRODUCTION', :occurrence, :state, :detail, :now)
                    """);
            int planned = 0;
            int blocked = 0;
            int skipped = 0;
            for (RolloutPlanner.Placement placement : placements) {
                Long occurrence = placement.window() == null ? null
                        : windows.computeIfAbsent(placement.window(), window -> WindowOccurrenceRepository.idOf(handle,
                                window));
                String state;
                String detail;
                if (placement.isSkipped()) {
                    state = "SKIPPED";
                    detail = placement.skipped();
                    skipped++;
                } else if (placement.notice()) {
                    state = "NOTICE_BLOCKED";
                    detail = AWAITING_NOTICE;
                    blocked++;
                } else {
                    state = "PLANNED";
                    detail = null;
                    planned++;
                }
                batch.bind("release", releaseId).bind("server", placement.serverId()).bind("occurrence", occurrence)
                        .bind("state", state).bind("detail", detail).bind("now", at).add();
            }
            if (!placements.isEmpty()) {
                batch.execute();
            }
            AuditLogRepository.append(handle, at, actor, "release.plan_created", "release", releaseId,
                    "state", release.state(), "planned", planned, "awaiting_notice", blocked, "skipped", skipped,
                    "windows", windows.size());
            return true;
        });
    }

    private static void requireDue(Release release, Instant now) {
        boolean due = switch (release.state()) {
            case SOAKING -> release.approvedAt() != null || (release.soakUntil() != null
                    && !release.soakUntil().isAfter(now));
            case REGISTERED -> release.approvedAt() != null;
            default -> false;
        };
        if (!due) {
            throw new ReleaseTransitionException(release.id(), "be planned: it is " + release.state()
                    + (release.state() == ReleaseState.SOAKING ? " until " + release.soakUntil() + " and not approved"
                    : release.state() == ReleaseState.REGISTERED ? " and not approved" : ""), release.state());
        }
    }

    /** Step 2a: the customers whose notice is neither sent nor claimed, with their first window. */
    public List<NoticeDue> noticesDue(long releaseId) {
        return database.jdbi().withHandle(handle -> {
            Map<Long, NoticeDue> due = new LinkedHashMap<>();
            handle.createQuery("""
                            select s.customer_id, s.app_host, o.id as occurrence_id, o.kind, o.starts_at, o.ends_at, o.zone
                            from release_target t join server s on s.id = t.server_id
                                 join window_occurrence o on o.id = t.occurrence_id
                            where t.release_id = :id and t.state = 'NOTICE_BLOCKED'
                              and not exists (select 1 from maintenance_notice n
                                              where n.release_id = t.release_id and n.customer_id = s.customer_id)
                            order by s.customer_id, o.starts_at, s.app_host
                            """)
                    .bind("id", releaseId)
                    .map((rs, ctx) -> {
                        ZoneId zone = ZoneId.of(rs.getString("zone"));
                        WindowOccurrence window = new WindowOccurrence(WindowKind.valueOf(rs.getString("kind")),
                                Sql.instant(rs, "starts_at").atZone(zone), Sql.instant(rs, "ends_at").atZone(zone));
                        return new NoticeDue(rs.getLong("customer_id"), rs.getLong("occurrence_id"), window,
                                List.of(rs.getString("app_host")));
                    })
                    .forEach(row -> due.merge(row.customerId(), row, (first, more) -> {
                        List<String> hosts = new ArrayList<>(first.appHosts());
                        hosts.addAll(more.appHosts());
                        return new NoticeDue(first.customerId(), first.occurrenceId(), first.window(), hosts);
                    }));
            return List.copyOf(due.values());
        });
    }

    /**
     * Step 2b: claims the customer's notice before it is sent (recorded as FAILED with
     * {@link #CLAIMED} until the outcome is known).
     *
     * @return false when another planner claimed (or recorded) it first: do not send
     */
    public boolean claimNotice(Actor actor, long releaseId, long customerId, long occurrenceId, String language,
                               List<String> recipients, String subject, Instant now) {
        Instant at = ReleaseRepository.micros(now);
        try {
            database.jdbi().useTransaction(handle -> {
                handle.createUpdate("""
                                insert into maintenance_notice (release_id, customer_id, occurrence_id, language,
                                    recipients, subject, state, error, attempted_at)
                                values (:release, :customer, :occurrence, :language, :recipients, :subject, 'FAILED',
                                    :error, :now)
                                """)
                        .bind("release", releaseId).bind("customer", customerId).bind("occurrence", occurrenceId)
                        .bind("language", language)
                        .bind("recipients", ReleaseRepository.shorten(String.join(", ", recipients), 2000))
                        .bind("subject", ReleaseRepository.shorten(subject, 500)).bind("error", CLAIMED)
                        .bind("now", at).execute();
                blockCustomer(handle, releaseId, customerId, "notice " + CLAIMED, at);
            });
            return true;
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Step 2c: the relay accepted the notice; the customer's targets are PLANNED. */
    public void noticeSent(Actor actor, long releaseId, long customerId, String messageId, String subject,
                           List<String> recipients, Instant now) {
        Instant at = ReleaseRepository.micros(now);
        database.jdbi().useTransaction(handle -> {
            handle.createUpdate("""
                            update maintenance_notice set state = 'SENT', error = null, message_id = :messageId,
                                   subject = :subject, recipients = :recipients, sent_at = :now
                            where release_id = :release and customer_id = :customer
                            """)
                    .bind("messageId", ReleaseRepository.shorten(messageId, 300))
                    .bind("subject", ReleaseRepository.shorten(subject, 500))
                    .bind("recipients", ReleaseRepository.shorten(String.join(", ", recipients), 2000))
                    .bind("now", at).bind("release", releaseId).bind("customer", customerId).execute();
            int targets = handle.createUpdate("""
                            update release_target set state = 'PLANNED', detail = null, updated_at = :now
                            where release_id = :release and state = 'NOTICE_BLOCKED'
                              and server_id in (select id from server where customer_id = :customer)
                            """)
                    .bind("now", at).bind("release", releaseId).bind("customer", customerId).execute();
            AuditLogRepository.append(handle, at, actor, "release.notice_sent", "release", releaseId,
                    "customer_id", customerId, "message_id", messageId, "recipients", String.join(", ", recipients),
                    "targets_planned", targets);
        });
    }

    /** Step 2c: the notice was not sent; the customer's targets stay NOTICE_BLOCKED with the reason. */
    public void noticeFailed(Actor actor, long releaseId, long customerId, String reason, Instant now) {
        Instant at = ReleaseRepository.micros(now);
        String why = ReleaseRepository.shorten(reason == null || reason.isBlank() ? "not sent" : reason, 1900);
        database.jdbi().useTransaction(handle -> {
            handle.createUpdate("""
                            update maintenance_notice set state = 'FAILED', error = :error
                            where release_id = :release and customer_id = :customer
                            """)
                    .bind("error", why).bind("release", releaseId).bind("customer", customerId).execute();
            int targets = blockCustomer(handle, releaseId, customerId, "notice not sent: " + why, at);
            AuditLogRepository.append(handle, at, actor, "release.notice_failed", "release", releaseId,
                    "customer_id", customerId, "error", why, "targets_blocked", targets);
        });
    }

    private static int blockCustomer(Handle handle, long releaseId, long customerId, String detail, Instant now) {
        return handle.createUpdate("""
                        update release_target set detail = :detail, updated_at = :now
                        where release_id = :release and state = 'NOTICE_BLOCKED'
                          and server_id in (select id from server where customer_id = :customer)
                        """)
                .bind("detail", ReleaseRepository.shorten(detail, 2000)).bind("now", now).bind("release", releaseId)
                .bind("customer", customerId).execute();
    }

    /**
     * Step 3: the release → PLANNED (from SOAKING or REGISTERED).
     *
     * @throws ReleaseTransitionException if it is in another state or another instance moved it first
     */
    public Release markPlanned(Actor actor, long releaseId, Instant now) {
        Instant at = ReleaseRepository.micros(now);
        return database.jdbi().inTransaction(handle -> {
            Release release = ReleaseRepository.lock(handle, releaseId);
            ReleaseRepository.require(release, "be marked planned", EnumSet.of(ReleaseState.SOAKING,
                    ReleaseState.REGISTERED));
            ReleaseRepository.move(handle, release, ReleaseState.PLANNED, ", planned_at = :now", Map.of("now", at));
            Map<String, Integer> counts = new LinkedHashMap<>();
            handle.createQuery("""
                            select state, count(*) as n from release_target where release_id = :id group by state
                            """)
                    .bind("id", releaseId)
                    .map((rs, ctx) -> Map.entry(rs.getString("state"), rs.getInt("n")))
                    .forEach(entry -> counts.put(entry.getKey().toLowerCase(java.util.Locale.ROOT), entry.getValue()));
            AuditLogRepository.append(handle, at, actor, "release.planned", "release", releaseId,
                    "from", release.state(), "to", ReleaseState.PLANNED, "targets", counts.toString());
            return ReleaseRepository.get(handle, releaseId);
        });
    }

    /** The release's notices, by customer name. */
    public List<NoticeRecord> notices(long releaseId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select n.*, c.name as customer_name from maintenance_notice n join customer c on c.id = n.customer_id
                        where n.release_id = :id order by c.name
                        """)
                .bind("id", releaseId).map(NOTICE).list());
    }

    /**
     * The planned production updates whose window starts in {@code [from, to)} (PLANNED and
     * NOTICE_BLOCKED targets of releases not cancelled), by window start and server name: the
     * "next Monday" preview.
     */
    public List<PlannedUpdate> upcoming(Instant from, Instant to) {
        return database.jdbi().withHandle(handle -> handle.createQuery(UPDATE_SELECT + """
                         where t.stage = 'PRODUCTION' and t.state in ('PLANNED', 'NOTICE_BLOCKED')
                           and r.state not in ('CANCELLED', 'HALTED') and o.starts_at >= :from and o.starts_at < :to
                         order by o.starts_at, s.name
                        """)
                .bind("from", from).bind("to", to).map(UPDATE).list());
    }

    /** A server's production updates that have not finished (planned, blocked, queued), by window start. */
    public List<PlannedUpdate> forServer(long serverId) {
        return database.jdbi().withHandle(handle -> handle.createQuery(UPDATE_SELECT + """
                         where t.server_id = :server and t.stage = 'PRODUCTION'
                           and t.state in ('PLANNED', 'NOTICE_BLOCKED', 'QUEUED') and r.state not in ('CANCELLED', 'HALTED')
                         order by o.starts_at, r.id
                        """)
                .bind("server", serverId).map(UPDATE).list());
    }

    private static final String UPDATE_SELECT = """
            select t.*, s.name as server_name, s.customer_id, s.app_host, o.kind as window_kind, o.starts_at, o.ends_at,
                   o.zone, r.application_id, a.name as application_name, r.version, r.previous_version, r.announce_as,
                   r.security
            from release_target t join server s on s.id = t.server_id
                 join app_release r on r.id = t.release_id join application a on a.id = r.application_id
                 left join window_occurrence o on o.id = t.occurrence_id
            """;

    private static final RowMapper<PlannedUpdate> UPDATE = (rs, ctx) -> new PlannedUpdate(rs.getLong("release_id"),
            rs.getLong("application_id"), rs.getString("application_name"), rs.getString("version"),
            rs.getString("previous_version"), rs.getString("announce_as"), rs.getBoolean("security"),
            ReleaseRepository.TARGET.map(rs, ctx));
}
