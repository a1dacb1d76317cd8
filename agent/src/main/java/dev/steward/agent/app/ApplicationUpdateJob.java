package dev.steward.agent.app;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The parameters of an application-update job, as the control plane hands them out.
 *
 * <p>Thread safety: immutable.
 *
 * @param application   the recipe's {@code [application] name}; a mismatch fails the job
 * @param targetVersion the version to install; letters, digits and {@code . _ + ~ : -} only (it is
 *                      handed to shell commands, so nothing a shell would interpret)
 * @param deadline      the end of the maintenance window (wall clock), or null for none (a run by hand)
 */
public record ApplicationUpdateJob(String application, String targetVersion, Instant deadline) {

    /** The accepted shape of a version string. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~:-]{0,127}");

    public ApplicationUpdateJob {
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(targetVersion, "targetVersion");
    }

    /** Whether {@link #targetVersion()} has the accepted shape. */
    public boolean targetVersionValid() {
        return VERSION.matcher(targetVersion).matches();
    }
}
