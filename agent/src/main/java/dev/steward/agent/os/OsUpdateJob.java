package dev.steward.agent.os;

import java.time.Instant;
import java.util.Objects;

/**
 * The parameters of one OS-update job (MAINT-1).
 *
 * <p>Thread safety: immutable.
 *
 * @param jobId the control plane's job id; kept in the pending-reboot state so the result after the
 *     reboot names its job
 * @param windowEnd the job's latest end: the end of the maintenance window. The executor stops
 *     before it (see {@link OsUpdateConfig#stopMargin()})
 * @param rebootAllowed whether the executor may reboot when a reboot is needed; when false it only
 *     reports that one is needed
 */
public record OsUpdateJob(String jobId, Instant windowEnd, boolean rebootAllowed) {

    public OsUpdateJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(windowEnd, "windowEnd");
    }
}
