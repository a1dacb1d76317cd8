package dev.steward.agent.os;

import dev.steward.agent.JobStatus;
import java.util.Objects;

/**
 * The outcome of an OS-update job: a status and the {@code details} object of the job result.
 * There is no {@code rolled_back}: apt cannot undo an upgrade; a failure says what state dpkg is in.
 *
 * <p>Thread safety: immutable.
 *
 * @param status succeeded or failed
 * @param details what happened, serialised as the job result's {@code details}
 */
public record OsUpdateResult(JobStatus status, OsUpdateDetails details) {

    /**
     * Whether this result is final. A result whose details say {@code reboot_requested} is not: the
     * server is going down, and {@link AptOsUpdateExecutor#resumeAfterReboot()} gives the final
     * result (with the kernel after the reboot and the downtime) once the agent runs again.
     */
    public boolean complete() {
        return !details.rebootRequested() || details.kernelAfter() != null || status == JobStatus.FAILED;
    }
}
