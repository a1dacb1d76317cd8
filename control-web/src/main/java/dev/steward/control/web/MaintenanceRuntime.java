package dev.steward.control.web;

import dev.steward.control.store.AgentJobRepository;
import dev.steward.control.store.CompositeJobOutcomeListener;
import dev.steward.control.store.Database;
import dev.steward.control.store.RolloutExecutor;
import dev.steward.control.store.TaskScheduler;
import dev.steward.control.store.WindowExecutor;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.pipeline.ReleaseFeedPoller;
import dev.steward.control.web.pipeline.ReleasePipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What runs the maintenance calendar and the update pipeline, wired in one place (issue 7): the
 * job-outcome listeners (the rollout's and the test stage's, told in the transaction that records a
 * job's result), and a {@link TaskScheduler} with the window tasks, the windows' materialisation,
 * the sweep of overdue jobs, the pipeline's advance from soaking to planned, and the release-feed
 * polling. {@link ControlMain} builds it on the system clock; tests build the same thing on a clock
 * they move, and drive it with {@link TaskScheduler#runDue()}.
 *
 * <p>The scheduler is returned unstarted: the caller starts it once the server can take job results
 * (so no listener is missing when the first result arrives).
 *
 * <p>Thread safety: the parts are thread-safe.
 *
 * @param outcomes the listener the job API reports results to
 * @param scheduler the cluster-safe scheduler with every handler registered, not started
 * @param pipeline the release pipeline
 * @param feeds the release-feed poller
 */
public record MaintenanceRuntime(CompositeJobOutcomeListener outcomes, TaskScheduler scheduler,
                                 ReleasePipeline pipeline, ReleaseFeedPoller feeds) {

    /** How often soaked releases are moved on to planning. */
    public static final Duration ADVANCE_INTERVAL = Duration.ofMinutes(1);
    /** How often the applications' release feeds are read. */
    public static final Duration FEED_INTERVAL = Duration.ofMinutes(15);
    /** How often jobs whose latest start passed are expired (for agents that never ask again). */
    public static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

    /** All parts required. */
    public MaintenanceRuntime {
        Objects.requireNonNull(outcomes, "outcomes");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(feeds, "feeds");
    }

    /**
     * Wires the runtime.
     *
     * @param deps the API's dependencies (their pipeline and maintenance settings are used)
     * @param maintenance the {@code [maintenance]} section
     * @param jobLease the job API's lease (for the overdue-job sweep)
     * @param clock the scheduler's, the rollout's and the sweep's clock
     * @param instanceId this instance's name in the scheduler's claims
     */
    public static MaintenanceRuntime wire(Database database, ApiDependencies deps, ControlConfig.Maintenance maintenance,
                                          Duration jobLease, Clock clock, String instanceId) {
        CompositeJobOutcomeListener outcomes = new CompositeJobOutcomeListener();
        RolloutExecutor rollout = new RolloutExecutor(clock, outcomes);
        outcomes.add(rollout);
        ReleasePipeline pipeline = deps.pipeline();
        outcomes.add(pipeline.testStageListener());
        ReleaseFeedPoller feeds = new ReleaseFeedPoller(pipeline, deps.applications());
        WindowExecutor windows = new WindowExecutor(deps.maintenance(), rollout, outcomes, maintenance.osJobExpected(),
                maintenance.weeksAhead());
        TaskScheduler scheduler = new TaskScheduler(database, clock, instanceId, maintenance.taskLease());
        windows.register(scheduler);
        AgentJobRepository jobs = new AgentJobRepository(database, outcomes, clock, jobLease);
        scheduler.registerRecurring("jobs-expire-overdue", EXPIRY_INTERVAL, (handle, task, now) -> jobs.expireOverdue());
        scheduler.registerRecurring("releases-advance", ADVANCE_INTERVAL, (handle, task, now) -> pipeline.advance(now));
        scheduler.registerRecurring("release-feeds-poll", FEED_INTERVAL, (handle, task, now) -> feeds.pollFeeds());
        return new MaintenanceRuntime(outcomes, scheduler, pipeline, feeds);
    }
}
