package dev.steward.agent.os;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * The {@code details} object of an OS-update job result. Field names in JSON are snake_case (the
 * component names below, e.g. {@code rebootRequested} is {@code reboot_requested}); times are
 * ISO-8601 UTC strings, durations seconds.
 *
 * <p>Thread safety: immutable.
 *
 * @param jobId the job
 * @param started whether the upgrade started; false when the window had too little time left (or a
 *     reboot of an earlier job was still pending), in which case nothing was changed
 * @param reason why the job failed or did not start ({@code "window ended"} when the deadline killed
 *     apt), null on success
 * @param upgradeCommand the apt-get subcommand run ({@code upgrade --with-new-pkgs} or
 *     {@code dist-upgrade})
 * @param startedAt when the executor started
 * @param finishedAt when it finished (before a reboot: when the reboot was requested)
 * @param durationSeconds from start to finish
 * @param packages upgraded, installed and removed packages with versions, and those kept back
 * @param counts how many of each
 * @param dpkgRecovered whether an earlier run had left dpkg unfinished and {@code dpkg --configure -a}
 *     completed it before this run's upgrade
 * @param rebootRequired whether a reboot is needed ({@link RebootDecision})
 * @param rebootRequested whether the executor ran the reboot command
 * @param rebootReasons the {@link RebootDecision} reason codes
 * @param rebootExplanation the reasons for people
 * @param rebootRequiredPackages the lines of {@code /var/run/reboot-required.pkgs}
 * @param servicesRestarted services that needrestart restarted during the upgrade
 * @param servicesPendingRestart services that needrestart still lists (NEEDRESTART-SVC)
 * @param kernelStatus needrestart's NEEDRESTART-KSTA (0 unknown, 1 current, 2 ABI-compatible
 *     upgrade pending, 3 version upgrade pending)
 * @param kernelBefore the running kernel (uname -r) when the job started
 * @param kernelExpected the kernel expected after a reboot (NEEDRESTART-KEXP), or null
 * @param kernelAfter the running kernel after the reboot, null until then (or without a reboot)
 * @param downtimeSeconds from the reboot request to the agent's restart, null without a reboot
 * @param dpkgAudit the output of {@code dpkg --audit} when it is not clean, else null
 * @param aptOutputTail the last 50 lines of apt's output when apt failed, else null
 * @param notes anything else worth knowing (a missing needrestart, a command that failed but did
 *     not decide the outcome)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OsUpdateDetails(
        String jobId,
        boolean started,
        String reason,
        String upgradeCommand,
        String startedAt,
        String finishedAt,
        double durationSeconds,
        Packages packages,
        Counts counts,
        boolean dpkgRecovered,
        boolean rebootRequired,
        boolean rebootRequested,
        List<String> rebootReasons,
        List<String> rebootExplanation,
        List<String> rebootRequiredPackages,
        List<String> servicesRestarted,
        List<String> servicesPendingRestart,
        int kernelStatus,
        String kernelBefore,
        String kernelExpected,
        String kernelAfter,
        Double downtimeSeconds,
        String dpkgAudit,
        List<String> aptOutputTail,
        List<String> notes) {

    public OsUpdateDetails {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(packages, "packages");
        Objects.requireNonNull(counts, "counts");
        rebootReasons = List.copyOf(rebootReasons);
        rebootExplanation = List.copyOf(rebootExplanation);
        rebootRequiredPackages = List.copyOf(rebootRequiredPackages);
        servicesRestarted = List.copyOf(servicesRestarted);
        servicesPendingRestart = List.copyOf(servicesPendingRestart);
        aptOutputTail = aptOutputTail == null ? null : List.copyOf(aptOutputTail);
        notes = List.copyOf(notes);
    }

    /**
     * The packages an update changed.
     *
     * @param upgraded packages whose version changed (from and to)
     * @param installed newly installed packages (to only)
     * @param removed removed packages (from only)
     * @param keptBack packages apt kept back (an upgrade would need a removal or is held)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Packages(List<PackageChange> upgraded, List<PackageChange> installed, List<PackageChange> removed,
            List<String> keptBack) {

        /** Nothing changed. */
        public static final Packages NONE = new Packages(List.of(), List.of(), List.of(), List.of());

        public Packages {
            upgraded = List.copyOf(upgraded);
            installed = List.copyOf(installed);
            removed = List.copyOf(removed);
            keptBack = List.copyOf(keptBack);
        }

        /** Sorts {@code changes} (from {@link PackageInventory#changesTo}) into the three lists. */
        public static Packages of(List<PackageChange> changes, List<String> keptBack) {
            return new Packages(
                    changes.stream().filter(c -> c.from() != null && c.to() != null).toList(),
                    changes.stream().filter(c -> c.from() == null).toList(),
                    changes.stream().filter(c -> c.to() == null).toList(),
                    keptBack);
        }

        /** The counts of the lists. */
        public Counts counts() {
            return new Counts(upgraded.size(), installed.size(), removed.size(), keptBack.size());
        }
    }

    /**
     * How many packages were upgraded, installed, removed and kept back.
     *
     * @param upgraded upgraded packages
     * @param installed newly installed packages
     * @param removed removed packages
     * @param keptBack packages kept back
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Counts(int upgraded, int installed, int removed, int keptBack) {
    }

    /** These details after the reboot: the kernel then, the downtime and, if it went wrong, why. */
    public OsUpdateDetails afterReboot(String kernelAfterReboot, double downtime, String failure, List<String> moreNotes) {
        List<String> allNotes = new java.util.ArrayList<>(notes);
        allNotes.addAll(moreNotes);
        return new OsUpdateDetails(jobId, started, failure, upgradeCommand, startedAt, finishedAt, durationSeconds,
                packages, counts, dpkgRecovered, rebootRequired, rebootRequested, rebootReasons, rebootExplanation,
                rebootRequiredPackages, servicesRestarted, servicesPendingRestart, kernelStatus, kernelBefore,
                kernelExpected, kernelAfterReboot, downtime, dpkgAudit, aptOutputTail, allNotes);
    }
}
