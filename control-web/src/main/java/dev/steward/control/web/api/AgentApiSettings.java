package dev.steward.control.web.api;

import dev.steward.control.store.AgentJobRepository;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.JobOutcomeListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the agent-facing job API ({@code /api/agent/v1}) behaves, given to the
 * {@link dev.steward.control.web.ControlServer} at construction.
 *
 * <p>Thread safety: immutable (the listener and clock must be thread-safe).
 *
 * @param listener told of every job that reaches a final state through the API (results, expiry
 *     at the cut-off), inside that transaction; {@link JobOutcomeListener#NONE} until the update
 *     pipeline composes its own
 * @param lease how long a delivery (and each progress report) holds before the job is handed out
 *     again; default {@link AgentJobRepository#DEFAULT_LEASE} (5 minutes)
 * @param enrolmentValidity how long an enrolment token is valid unless the operator asks
 *     otherwise; default 24 hours
 * @param maxWait the longest long poll of {@code GET /api/agent/v1/jobs/next?wait=}; default 30 s
 * @param pollInterval the pause between the long-poll ticker's database queries: every tick asks
 *     once which servers have a job due, for all waiting long polls together, so a job queued
 *     during a wait is handed out within about one interval; default 500 ms
 * @param clock decides leases, expiry and stamps (tests move it); the long poll's own waiting is
 *     real time
 */
public record AgentApiSettings(JobOutcomeListener listener, Duration lease, Duration enrolmentValidity,
                               Duration maxWait, Duration pollInterval, Clock clock) {

    /** All set; durations positive. */
    public AgentApiSettings {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(clock, "clock");
        for (Duration duration : new Duration[] {lease, enrolmentValidity, maxWait, pollInterval}) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("agent API durations must be positive: " + duration);
            }
        }
    }

    /** The defaults: no listener, 5-minute lease, 24-hour tokens, 30 s long polls, due jobs looked up every 0.5 s. */
    public static AgentApiSettings defaults() {
        return new AgentApiSettings(JobOutcomeListener.NONE, AgentJobRepository.DEFAULT_LEASE,
                AgentRepository.DEFAULT_ENROLMENT_VALIDITY, Duration.ofSeconds(30), Duration.ofMillis(500),
                Clock.systemUTC());
    }

    /** With another outcome listener. */
    public AgentApiSettings withListener(JobOutcomeListener value) {
        return new AgentApiSettings(value, lease, enrolmentValidity, maxWait, pollInterval, clock);
    }

    /** With another lease. */
    public AgentApiSettings withLease(Duration value) {
        return new AgentApiSettings(listener, value, enrolmentValidity, maxWait, pollInterval, clock);
    }

    /** With another clock. */
    public AgentApiSettings withClock(Clock value) {
        return new AgentApiSettings(listener, lease, enrolmentValidity, maxWait, pollInterval, value);
    }
}
