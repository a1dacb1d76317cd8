package dev.steward.control.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.release.ReleaseTransitionException;
import dev.steward.control.core.release.TargetStage;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.core.version.ChangeClassifier;
import dev.steward.control.core.version.Classification;
import dev.steward.control.core.version.Version;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Releases of catalogue applications: intake (UPD-1), the test stage (UPD-2) and the operator's
 * transitions; the rollout plan and its notices are {@link RolloutPlanRepository}'s.
 *
 * <p><b>Intake.</b> {@link #register} checks the version against the application's scheme, takes
 * the catalogue's current version as the previous one, classifies the change (0.y.z minors and
 * pre-releases announced as major), refuses a version that is not newer and a duplicate, and — when
 * the application has test servers — starts the test stage in the same transaction: one
 * {@code TEST} target and one queued {@code APP_UPDATE} job per test server (payload: target and
 * previous version, steps), state {@code TESTING}. Without a test server the release stays
 * {@code REGISTERED} until an operator starts the test stage or approves it untested.
 *
 * <p><b>Test outcomes.</b> {@link #testStageListener} follows the test jobs: the first failed,
 * rolled-back, expired or cancelled job (or a success whose health is not ok) makes the release
 * {@code TEST_FAILED}; when every test target succeeded it becomes {@code SOAKING} until now + the
 * soak time.
 *
 * <p><b>Concurrency and audit.</b> Every transition is a conditional update
 * ({@code … where id = :id and state = :from}); when it matches nothing another instance moved the
 * release first and the caller gets {@link ReleaseTransitionException}. Every change writes its
 * audit row in the same transaction.
 *
 * <p>Thread safety: thread-safe; every public method without a handle is its own transaction.
 */
public final class ReleaseRepository {

    /** The default soak time between a green test stage and the rollout's planning. */
    public static final Duration DEFAULT_SOAK = Duration.ofHours(24);

    static final RowMapper<Release> MAPPER = (rs, ctx) -> new Release(rs.getLong("id"), rs.getLong("application_id"),
            rs.getString("previous_version"),
            new Classification(ChangeClass.valueOf(rs.getString("classification")),
                    ChangeClass.valueOf(rs.getString("announce_as"))),
            new ReleaseTerms(rs.getString("version"), rs.getString("changelog"), rs.getString("steps_before"),
                    rs.getString("steps_after"), rs.getBoolean("security"),
                    ReleaseTerms.cvesOf(rs.getString("cve_ids")), rs.getBoolean("immediate"),
                    Duration.ofSeconds(rs.getInt("expected_seconds")), rs.getInt("wave_size"),
                    rs.getInt("failure_budget")),
            ReleaseSource.valueOf(rs.getString("source")), ReleaseState.valueOf(rs.getString("state")),
            rs.getString("registered_by"), Sql.instant(rs, "registered_at"), Sql.instant(rs, "test_passed_at"),
            Sql.instant(rs, "soak_until"), rs.getString("approved_by"), Sql.instant(rs, "approved_at"),
            Sql.instant(rs, "planned_at"), Sql.instant(rs, "finished_at"), rs.getString("halt_reason"));

    static final String TARGET_SELECT = """
            select t.*, s.name as server_name, s.customer_id, s.app_host, o.kind as window_kind, o.starts_at,
                   o.ends_at, o.zone
            from release_target t join server s on s.id = t.server_id
                 left join window_occurrence o on o.id = t.occurrence_id
            """;

    static final RowMapper<ReleaseTarget> TARGET = (rs, ctx) -> new ReleaseTarget(rs.getLong("release_id"),
            rs.getLong("server_id"), rs.getString("server_name"), rs.getLong("customer_id"), rs.getString("app_host"),
            TargetStage.valueOf(rs.getString("stage")), Sql.nullableLong(rs, "occurrence_id"),
            rs.getString("window_kind") == null ? null : WindowKind.valueOf(rs.getString("window_kind")),
            Sql.instant(rs, "starts_at"), Sql.instant(rs, "ends_at"), rs.getString("zone"),
            TargetState.valueOf(rs.getString("state")), rs.getString("job_id"), rs.getString("detail"),
            Sql.instant(rs, "updated_at"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;

    /** @param database where releases live */
    public ReleaseRepository(Database database) {
        this.database = database;
    }

    /**
     * Registers a release and, when the application has test servers, starts its test stage.
     *
     * @param now the caller's clock
     * @throws UnknownEntityException if there is no such application
     * @throws IllegalArgumentException if the version does not parse under the application's scheme,
     *     or is not newer than the catalogue's current version
     * @throws DuplicateNameException if the application already has a release of that version
     */
    public Release register(Actor actor, long applicationId, ReleaseTerms terms, ReleaseSource source, Instant now) {
        Instant at = micros(now);
        return Sql.uniqueName("release", "application " + applicationId + " version " + terms.version(),
                () -> database.jdbi().inTransaction(handle -> {
                    Map<String, Object> application = handle.createQuery("""
                                    select slug, version_scheme, current_version from application where id = :id
                                    """)
                            .bind("id", applicationId).mapToMap().findOne()
                            .orElseThrow(() -> new UnknownEntityException("application", applicationId));
                    VersionScheme scheme = VersionScheme.valueOf((String) application.get("version_scheme"));
                    String current = (String) application.get("current_version");
                    Classification classification = classify(scheme, current, terms.version());
                    long id = handle.createUpdate("""
                                    insert into app_release (application_id, version, previous_version, classification,
                                        announce_as, changelog, steps_before, steps_after, security, cve_ids, immediate,
                                        source, state, registered_by, registered_at, expected_seconds, wave_size,
                                        failure_budget)
                                    values (:app, :version, :previous, :classification, :announce, :changelog, :before,
                                        :after, :security, :cves, :immediate, :source, 'REGISTERED', :by, :now,
                                        :expected, :wave, :budget)
                                    """)
                            .bind("app", applicationId).bind("version", terms.version()).bind("previous", current)
                            .bind("classification", classification.change().name())
                            .bind("announce", classification.announceAs().name())
                            .bind("changelog", terms.changelog()).bind("before", terms.stepsBefore())
                            .bind("after", terms.stepsAfter()).bind("security", terms.security())
                            .bind("cves", terms.cveText()).bind("immediate", terms.immediate())
                            .bind("source", source.name()).bind("by", actor.toString()).bind("now", at)
                            .bind("expected", Math.toIntExact(terms.expected().toSeconds()))
                            .bind("wave", terms.waveSize()).bind("budget", terms.failureBudget())
                            .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                    AuditLogRepository.append(handle, at, actor, "release.registered", "release", id,
                            "application_id", applicationId, "application", application.get("slug"),
                            "version", terms.version(), "previous_version", current,
                            "classification", classification.change(), "announce_as", classification.announceAs(),
                            "security", terms.security(), "cve_ids", terms.cveText(), "immediate", terms.immediate(),
                            "source", source);
                    Release release = get(handle, id);
                    if (testServers(handle, applicationId) > 0) {
                        startTest(handle, actor, release, at);
                    }
                    return get(handle, id);
                }));
    }

    /**
     * The class of {@code current → version} under {@code scheme}.
     *
     * @throws IllegalArgumentException if either does not parse, or the version is not newer
     */
    static Classification classify(VersionScheme scheme, String current, String version) {
        Version to = Version.parse(scheme, version);
        if (current == null) {
            // The application's first release: nothing to compare with; told like a major one.
            return new Classification(ChangeClass.MAJOR, ChangeClass.MAJOR);
        }
        Version from;
        try {
            from = Version.parse(scheme, current);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("the catalogue's current version \"" + current + "\" does not parse under"
                    + " the " + scheme.name().toLowerCase(java.util.Locale.ROOT) + " scheme: " + invalid.getMessage());
        }
        Classification classification = ChangeClassifier.announce(from, to);
        if (classification.change() == ChangeClass.NONE) {
            throw new IllegalArgumentException("version " + version + " is not newer than the current version " + current);
        }
        return classification;
    }

    /**
     * REGISTERED → TESTING: queues the test jobs (an operator's {@code start-test} after adding a test
     * server).
     *
     * @throws ReleaseTransitionException if not REGISTERED, or the application still has no test server
     */
    public Release startTest(Actor actor, long releaseId, Instant now) {
        Instant at = micros(now);
        return database.jdbi().inTransaction(handle -> {
            Release release = lock(handle, releaseId);
            require(release, "start the test stage", EnumSet.of(ReleaseState.REGISTERED));
            if (testServers(handle, release.applicationId()) == 0) {
                throw new ReleaseTransitionException(releaseId, "start the test stage: the application has no test"
                        + " server; register one, or approve the release untested", release.state());
            }
            startTest(handle, actor, release, at);
            return get(handle, releaseId);
        });
    }

    private static void startTest(Handle handle, Actor actor, Release release, Instant now) {
        List<Long> servers = handle.createQuery("""
                        select id from server where application_id = :app and role = 'TEST' order by id
                        """)
                .bind("app", release.applicationId()).mapTo(Long.class).list();
        String payload = payload(release);
        for (long serverId : servers) {
            String jobId = JobRepository.enqueue(handle, now, new JobSpec(serverId, JobKind.APP_UPDATE, release.id(),
                    null, payload, now, null, release.terms().expected()));
            handle.createUpdate("""
                            insert into release_target (release_id, server_id, stage, state, job_id, updated_at)
                            values (:release, :server, 'TEST', 'QUEUED', :job, :now)
                            """)
                    .bind("release", release.id()).bind("server", serverId).bind("job", jobId).bind("now", now)
                    .execute();
        }
        move(handle, release, ReleaseState.TESTING, "", Map.of());
        AuditLogRepository.append(handle, now, actor, "release.testing", "release", release.id(),
                "from", release.state(), "to", ReleaseState.TESTING, "test_servers", servers.size());
    }

    /**
     * The job payload of an application update (the job API's contract):
     * {@code {"target_version", "previous_version", "steps_before", "steps_after", "security", "cve_ids"}}.
     */
    public static String payload(Release release) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("target_version", release.version());
        payload.put("previous_version", release.previousVersion());
        payload.put("steps_before", release.terms().stepsBefore());
        payload.put("steps_after", release.terms().stepsAfter());
        payload.put("security", release.terms().security());
        payload.put("cve_ids", release.terms().cveIds());
        try {
            return JSON.writeValueAsString(payload);
        } catch (IOException e) {
            throw new IllegalStateException("payload not serialisable", e);
        }
    }

    /**
     * An operator's approval: from REGISTERED (untested: the application has no test server, the
     * operator takes responsibility) or SOAKING (skips the rest of the soak time). The release stays
     * in its state until its rollout is planned ({@code RolloutPlanRepository}); an approved release
     * is due for planning at once.
     *
     * @throws ReleaseTransitionException if in another state, or approved already
     */
    public Release approve(Actor actor, long releaseId, Instant now) {
        Instant at = micros(now);
        return database.jdbi().inTransaction(handle -> {
            Release release = lock(handle, releaseId);
            require(release, "be approved", ReleaseState.approvable());
            if (release.approvedAt() != null) {
                throw new ReleaseTransitionException(releaseId, "be approved again (approved by "
                        + release.approvedBy() + ")", release.state());
            }
            int rows = handle.createUpdate("""
                            update app_release set approved_by = :by, approved_at = :now
                            where id = :id and state = :from and approved_at is null
                            """)
                    .bind("by", actor.toString()).bind("now", at).bind("id", releaseId)
                    .bind("from", release.state().name()).execute();
            checkMoved(handle, release, rows, "be approved");
            AuditLogRepository.append(handle, at, actor, "release.approved", "release", releaseId,
                    "state", release.state(), "tested", release.state() == ReleaseState.SOAKING);
            return get(handle, releaseId);
        });
    }

    /**
     * Withdraws a release: planned and blocked targets, and queued targets whose job no agent took
     * yet, become SKIPPED and those jobs CANCELLED (a job an agent already took runs to its end and
     * its target keeps its state until the result arrives).
     *
     * @throws ReleaseTransitionException if the release already reached a final state
     */
    public Release cancel(Actor actor, long releaseId, String reason, Instant now) {
        Instant at = micros(now);
        String why = reason == null || reason.isBlank() ? "cancelled by " + actor : reason.strip();
        if (why.length() > 2000) {
            throw new IllegalArgumentException("reason is at most 2000 characters");
        }
        return database.jdbi().inTransaction(handle -> {
            Release release = lock(handle, releaseId);
            require(release, "be cancelled", ReleaseState.cancellable());
            move(handle, release, ReleaseState.CANCELLED, ", finished_at = :now, halt_reason = :reason",
                    Map.of("now", at, "reason", why));
            // A target whose job an agent already took keeps QUEUED: its job runs to its end and reports.
            int targets = handle.createUpdate("""
                            update release_target set state = 'SKIPPED', detail = :detail, updated_at = :now
                            where release_id = :id
                              and (state in ('PLANNED', 'NOTICE_BLOCKED')
                                   or (state = 'QUEUED' and job_id in (select j.id from job j
                                                                       where j.release_id = :id and j.state = 'QUEUED')))
                            """)
                    .bind("detail", "release cancelled: " + why).bind("now", at).bind("id", releaseId).execute();
            int jobs = handle.createUpdate("""
                            update job set state = 'CANCELLED', finished_at = :now, result = :reason
                            where release_id = :id and state = 'QUEUED'
                            """)
                    .bind("now", at).bind("reason", "release cancelled: " + why).bind("id", releaseId).execute();
            AuditLogRepository.append(handle, at, actor, "release.cancelled", "release", releaseId,
                    "from", release.state(), "to", ReleaseState.CANCELLED, "reason", why, "targets_skipped", targets,
                    "jobs_cancelled", jobs);
            return get(handle, releaseId);
        });
    }

    /**
     * The listener for test-stage jobs (compose it with the executor's for production jobs): moves
     * the TEST target to the job's outcome and the release to SOAKING (all green; soak until the
     * job's finish + {@code soak}) or TEST_FAILED (the first failure). Jobs of other kinds, other
     * stages, or of a release no longer TESTING only update their target.
     *
     * <p>A successful job is healthy unless its result (JSON) has a {@code health} that is not ok:
     * {@code "health": "ok"}, {@code "health": {"ok": true}} or {@code {"status": "ok"}} count as
     * ok; no {@code health} field counts as ok (the agent reports failures as FAILED).
     */
    public JobOutcomeListener testStageListener(Duration soak) {
        Objects.requireNonNull(soak, "soak");
        return (handle, job) -> onTestJob(handle, job, soak);
    }

    private void onTestJob(Handle handle, Job job, Duration soak) {
        if (job.kind() != JobKind.APP_UPDATE || job.releaseId() == null) {
            return;
        }
        Optional<TargetStage> stage = handle.createQuery("""
                        select stage from release_target where release_id = :release and server_id = :server
                          and job_id = :job
                        """)
                .bind("release", job.releaseId()).bind("server", job.serverId()).bind("job", job.id())
                .mapTo(String.class).findOne().map(TargetStage::valueOf);
        if (stage.isEmpty() || stage.get() != TargetStage.TEST) {
            return;
        }
        Instant now = micros(job.finishedAt() != null ? job.finishedAt() : database.clock().instant());
        String unhealthy = job.state() == JobState.SUCCEEDED ? unhealthy(job.result()) : null;
        TargetState outcome = switch (job.state()) {
            case SUCCEEDED -> unhealthy == null ? TargetState.SUCCEEDED : TargetState.FAILED;
            case ROLLED_BACK -> TargetState.ROLLED_BACK;
            default -> TargetState.FAILED;
        };
        String detail = switch (job.state()) {
            case SUCCEEDED -> unhealthy;
            case FAILED, ROLLED_BACK -> "job " + job.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (job.result() == null ? "" : ": " + shorten(job.result(), 1500));
            default -> "job " + job.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (job.result() == null ? "" : ": " + shorten(job.result(), 1500));
        };
        // Only a target still waiting for its job takes the outcome (a cancelled release skipped it).
        int updated = handle.createUpdate("""
                        update release_target set state = :state, detail = :detail, updated_at = :now
                        where release_id = :release and server_id = :server and state = 'QUEUED'
                        """)
                .bind("state", outcome.name()).bind("detail", detail).bind("now", now)
                .bind("release", job.releaseId()).bind("server", job.serverId()).execute();
        if (updated == 0) {
            return;
        }
        Release release = lock(handle, job.releaseId());
        if (release.state() != ReleaseState.TESTING) {
            return;
        }
        Actor system = Actor.system("test-stage");
        if (outcome != TargetState.SUCCEEDED) {
            String serverName = handle.createQuery("select name from server where id = :id")
                    .bind("id", job.serverId()).mapTo(String.class).one();
            String reason = shorten("test server " + serverName + ": " + detail, 2000);
            move(handle, release, ReleaseState.TEST_FAILED, ", finished_at = :now, halt_reason = :reason",
                    Map.of("now", now, "reason", reason));
            AuditLogRepository.append(handle, now, system, "release.test_failed", "release", release.id(),
                    "from", release.state(), "to", ReleaseState.TEST_FAILED, "server_id", job.serverId(),
                    "job_id", job.id(), "reason", reason);
            return;
        }
        int open = handle.createQuery("""
                        select count(*) from release_target
                        where release_id = :release and stage = 'TEST' and state <> 'SUCCEEDED'
                        """)
                .bind("release", release.id()).mapTo(Integer.class).one();
        if (open == 0) {
            Instant soakUntil = now.plus(soak);
            move(handle, release, ReleaseState.SOAKING, ", test_passed_at = :now, soak_until = :until",
                    Map.of("now", now, "until", soakUntil));
            AuditLogRepository.append(handle, now, system, "release.soaking", "release", release.id(),
                    "from", release.state(), "to", ReleaseState.SOAKING, "soak_until", soakUntil);
        }
    }

    /** @return why a successful job's result is not healthy, or null when it is */
    static String unhealthy(String result) {
        if (result == null || result.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(result);
        } catch (IOException notJson) {
            return null;
        }
        JsonNode health = node == null ? null : node.get("health");
        if (health == null || health.isNull()) {
            return null;
        }
        boolean ok = health.isTextual() ? health.asText().equalsIgnoreCase("ok")
                : health.isBoolean() ? health.asBoolean()
                : health.path("ok").asBoolean(false) || health.path("status").asText("").equalsIgnoreCase("ok");
        return ok ? null : "succeeded but unhealthy: " + shorten(health.toString(), 1500);
    }

    /** The release with {@code id}, if any. */
    public Optional<Release> find(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from app_release where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /**
     * Releases, newest first.
     *
     * @param applicationId only this application's; null for all
     * @param state only in this state; null for all
     * @param limit 1..500
     */
    public List<Release> list(Long applicationId, ReleaseState state, int limit) {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be 1..500, not " + limit);
        }
        // The optional filters are constants chosen here; values are bound.
        String sql = "select * from app_release where 1 = 1"
                + (applicationId == null ? "" : " and application_id = :app")
                + (state == null ? "" : " and state = :state") + " order by id desc limit :limit";
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery(sql).bind("limit", limit);
            if (applicationId != null) {
                query.bind("app", applicationId.longValue());
            }
            if (state != null) {
                query.bind("state", state.name());
            }
            return query.map(MAPPER).list();
        });
    }

    /** The versions of the application's releases (known ones, whatever their state). */
    public Set<String> versions(long applicationId) {
        return database.jdbi().withHandle(handle -> Set.copyOf(handle.createQuery("""
                        select version from app_release where application_id = :app
                        """)
                .bind("app", applicationId).mapTo(String.class).list()));
    }

    /** A release's targets, test stage first, then by window and server name. */
    public List<ReleaseTarget> targets(long releaseId) {
        return database.jdbi().withHandle(handle -> handle.createQuery(TARGET_SELECT + """
                         where t.release_id = :id order by t.stage desc, o.starts_at, s.name
                        """)
                .bind("id", releaseId).map(TARGET).list());
    }

    /**
     * Sets or clears the application's release feed.
     *
     * @param url an http or https URL, or null to clear
     * @throws UnknownEntityException if there is no such application
     * @throws IllegalArgumentException if the URL is not http(s) or longer than 2000 characters
     */
    public void setFeedUrl(Actor actor, long applicationId, String url) {
        String value = url == null || url.isBlank() ? null : url.strip();
        if (value != null) {
            if (value.length() > 2000) {
                throw new IllegalArgumentException("feed_url is at most 2000 characters");
            }
            java.net.URI uri;
            try {
                uri = java.net.URI.create(value);
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException("feed_url is not a URL: " + value);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("feed_url must be an http or https URL: " + value);
            }
        }
        database.jdbi().useTransaction(handle -> {
            Instant now = Sql.now(database);
            int rows = handle.createUpdate("""
                            update application set release_feed_url = :url, updated_at = :now where id = :id
                            """)
                    .bind("url", value).bind("now", now).bind("id", applicationId).execute();
            if (rows == 0) {
                throw new UnknownEntityException("application", applicationId);
            }
            AuditLogRepository.append(handle, now, actor, "application.release_feed_set", "application",
                    applicationId, "feed_url", value);
        });
    }

    /** @return the application's release feed, if it has one */
    public Optional<String> feedUrl(long applicationId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select release_feed_url from application where id = :id
                        """)
                .bind("id", applicationId).mapTo(String.class).findOne().filter(Objects::nonNull));
    }

    /** @return every application with a release feed: application id → URL, by id */
    public Map<Long, String> feeds() {
        return database.jdbi().withHandle(handle -> {
            Map<Long, String> feeds = new LinkedHashMap<>();
            handle.createQuery("""
                            select id, release_feed_url from application where release_feed_url is not null order by id
                            """)
                    .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("release_feed_url")))
                    .forEach(entry -> feeds.put(entry.getKey(), entry.getValue()));
            return feeds;
        });
    }

    // ---- shared with RolloutPlanRepository

    static Release get(Handle handle, long id) {
        return handle.createQuery("select * from app_release where id = :id").bind("id", id).map(MAPPER).findOne()
                .orElseThrow(() -> new UnknownEntityException("release", id));
    }

    /** The release, its row locked until the transaction ends (one planner or listener at a time). */
    static Release lock(Handle handle, long id) {
        return handle.createQuery("select * from app_release where id = :id for update").bind("id", id).map(MAPPER)
                .findOne().orElseThrow(() -> new UnknownEntityException("release", id));
    }

    static void require(Release release, String action, Set<ReleaseState> allowed) {
        if (!allowed.contains(release.state())) {
            throw new ReleaseTransitionException(release.id(), action, allowed, release.state());
        }
    }

    /**
     * Moves the release from its state as read to {@code to}, setting {@code extra} (a constant
     * fragment {@code ", col = :param"}) with {@code params}.
     */
    static void move(Handle handle, Release release, ReleaseState to, String extra, Map<String, Object> params) {
        var update = handle.createUpdate("update app_release set state = :to" + extra
                        + " where id = :id and state = :from")
                .bind("to", to.name()).bind("id", release.id()).bind("from", release.state().name());
        params.forEach(update::bind);
        checkMoved(handle, release, update.execute(), "move to " + to);
    }

    private static void checkMoved(Handle handle, Release release, int rows, String action) {
        if (rows != 1) {
            ReleaseState now = handle.createQuery("select state from app_release where id = :id")
                    .bind("id", release.id()).mapTo(String.class).findOne().map(ReleaseState::valueOf).orElse(null);
            throw new ReleaseTransitionException(release.id(), action + " (another instance changed it first)",
                    EnumSet.of(release.state()), now);
        }
    }

    private static int testServers(Handle handle, long applicationId) {
        return handle.createQuery("select count(*) from server where application_id = :app and role = 'TEST'")
                .bind("app", applicationId).mapTo(Integer.class).one();
    }

    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static List<ReleaseTarget> targets(Handle handle, String where, Map<String, Object> params) {
        var query = handle.createQuery(TARGET_SELECT + where);
        params.forEach(query::bind);
        return new ArrayList<>(query.map(TARGET).list());
    }
}
