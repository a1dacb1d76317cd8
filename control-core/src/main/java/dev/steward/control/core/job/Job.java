package dev.steward.control.core.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One unit of work for one server's agent, as stored. {@code id} is a UUID: the idempotency key
 * the agent reports progress and its result against.
 *
 * <p>Thread safety: immutable.
 *
 * @param id UUID text
 * @param serverId the server whose agent runs it
 * @param kind what to do
 * @param releaseId the release it installs ({@link JobKind#APP_UPDATE}), else null
 * @param occurrenceId the window it runs in, or null (test stage, immediate emergency, benchmark)
 * @param payload JSON object for the agent (target version, steps, ...)
 * @param notBefore not handed out before this instant
 * @param latestStart not started after this instant (the cut-off: window end minus expected
 *     duration), or null for no limit
 * @param expected the expected duration
 * @param state where it is
 * @param attempt how many times it was handed out
 * @param createdAt when it was queued
 * @param deliveredAt when it was last handed out, or null
 * @param leaseUntil until when the last delivery holds, or null
 * @param startedAt when the agent said it started, or null
 * @param progress the agent's last progress message, or null
 * @param finishedAt when it reached a final state, or null
 * @param result the agent's result (JSON) or the control plane's reason for EXPIRED/CANCELLED, or null
 */
public record Job(String id, long serverId, JobKind kind, Long releaseId, Long occurrenceId, String payload,
                  Instant notBefore, Instant latestStart, Duration expected, JobState state, int attempt,
                  Instant createdAt, Instant deliveredAt, Instant leaseUntil, Instant startedAt, String progress,
                  Instant finishedAt, String result) {

    /** Required parts non-null. */
    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
