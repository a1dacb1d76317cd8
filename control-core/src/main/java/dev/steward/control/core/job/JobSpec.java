package dev.steward.control.core.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job to queue (see {@code JobRepository.enqueue}).
 *
 * @param serverId the server whose agent runs it
 * @param kind what to do
 * @param releaseId the release, for {@link JobKind#APP_UPDATE}; else null
 * @param occurrenceId the window, or null
 * @param payload JSON object for the agent
 * @param notBefore not handed out before this instant
 * @param latestStart not started after this instant, or null
 * @param expected the expected duration, positive
 */
public record JobSpec(long serverId, JobKind kind, Long releaseId, Long occurrenceId, String payload,
                      Instant notBefore, Instant latestStart, Duration expected) {

    /** Required parts non-null; positive duration. */
    public JobSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expected, "expected");
        if (expected.isNegative() || expected.isZero()) {
            throw new IllegalArgumentException("expected duration must be positive: " + expected);
        }
    }
}
