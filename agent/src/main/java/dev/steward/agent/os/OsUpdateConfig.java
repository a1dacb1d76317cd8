package dev.steward.agent.os;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the OS-update executor runs: which commands, where, and its time limits. Every external
 * command is a configurable argv prefix, so that tests (and unusual hosts) can point the executor at
 * a throwaway root or at recording scripts; the defaults are the real system's.
 *
 * <p>Thread safety: immutable.
 *
 * @param root the file-system root in which {@code var/run/reboot-required} and
 *     {@code var/run/reboot-required.pkgs} are read; {@code /} on a server
 * @param environment added to the environment of apt-get and dpkg (after the executor's own
 *     {@code DEBIAN_FRONTEND}, {@code NEEDRESTART_MODE}, ... so it can override them); a throwaway
 *     root sets {@code APT_CONFIG} here
 * @param aptGet the apt-get command; the executor appends {@code update} and the upgrade arguments
 * @param dpkg the dpkg command; the executor appends {@code --audit} or {@code --configure -a}
 * @param dpkgQuery the dpkg-query command; the executor appends {@code -W -f=...}
 * @param needrestart the command that prints needrestart's batch report ({@code needrestart -b});
 *     empty when needrestart is not used. A command that is not installed counts as "no report"
 * @param reboot the reboot command, run only when a reboot is needed and allowed
 * @param kernelRelease the command that prints the running kernel release ({@code uname -r})
 * @param bootIdFile a file whose content changes at every boot (the kernel's random boot id): tells
 *     after a restart whether the machine really rebooted
 * @param stateDirectory where the pending-reboot state is kept across the reboot
 * @param upgradeMode which apt-get upgrade to run
 * @param minimumRemaining the upgrade does not start when less time than this is left before the
 *     deadline
 * @param stopMargin the deadline is this long before the window's end, so that killing apt, the
 *     dpkg audit and the report still happen inside the window
 * @param killGrace how long apt gets between SIGTERM and SIGKILL at the deadline
 * @param commandTimeout the limit for each short command (dpkg-query, dpkg --audit, needrestart,
 *     uname, the reboot command)
 * @param rebootForServices whether services that still run outdated binaries after needrestart's
 *     automatic restarts (NEEDRESTART-SVC lines: ones it deferred or must not restart, such as
 *     dbus or systemd-logind) are a reason to reboot
 */
public record OsUpdateConfig(
        Path root,
        Map<String, String> environment,
        List<String> aptGet,
        List<String> dpkg,
        List<String> dpkgQuery,
        List<String> needrestart,
        List<String> reboot,
        List<String> kernelRelease,
        Path bootIdFile,
        Path stateDirectory,
        UpgradeMode upgradeMode,
        Duration minimumRemaining,
        Duration stopMargin,
        Duration killGrace,
        Duration commandTimeout,
        boolean rebootForServices) {

    /**
     * The apt-get upgrade to run.
     *
     * <p>The default is {@link #UPGRADE_WITH_NEW_PACKAGES}: {@code apt-get upgrade --with-new-pkgs}
     * installs what upgrades newly depend on (a stable point release's new kernel ABI package
     * {@code linux-image-6.1.0-21-amd64}, pulled in by {@code linux-image-amd64}), but never removes
     * a package. An unattended weekly run should not remove software that an application may use
     * because some upgrade conflicts with it; such upgrades are kept back and listed in the result
     * ({@code kept_back}) for a person to decide. {@link #DIST_UPGRADE} ({@code apt-get
     * dist-upgrade}) resolves them by removing packages where needed; it is there for operators who
     * accept that (removals are reported in {@code packages.removed}).
     */
    public enum UpgradeMode {
        /** {@code apt-get upgrade --with-new-pkgs}: new dependencies yes, removals never. */
        UPGRADE_WITH_NEW_PACKAGES(List.of("upgrade", "--with-new-pkgs")),
        /** {@code apt-get dist-upgrade}: may remove packages to complete an upgrade. */
        DIST_UPGRADE(List.of("dist-upgrade"));

        private final List<String> arguments;

        UpgradeMode(List<String> arguments) {
            this.arguments = arguments;
        }

        /** The apt-get arguments that select this mode. */
        public List<String> arguments() {
            return arguments;
        }
    }

    public OsUpdateConfig {
        Objects.requireNonNull(root, "root");
        environment = Map.copyOf(environment);
        aptGet = nonEmpty(aptGet, "aptGet");
        dpkg = nonEmpty(dpkg, "dpkg");
        dpkgQuery = nonEmpty(dpkgQuery, "dpkgQuery");
        needrestart = List.copyOf(needrestart);
        reboot = nonEmpty(reboot, "reboot");
        kernelRelease = nonEmpty(kernelRelease, "kernelRelease");
        Objects.requireNonNull(bootIdFile, "bootIdFile");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(upgradeMode, "upgradeMode");
        for (Duration duration : List.of(minimumRemaining, stopMargin, killGrace, commandTimeout)) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative: " + duration);
            }
        }
    }

    private static List<String> nonEmpty(List<String> command, String name) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException(name + ": the command must not be empty");
        }
        return List.copyOf(command);
    }

    /** The real system's commands and limits, keeping state in {@code stateDirectory}. */
    public static Builder builder(Path stateDirectory) {
        return new Builder(stateDirectory);
    }

    /** Builds an {@link OsUpdateConfig}; starts with the real system's defaults. */
    public static final class Builder {
        private Path root = Path.of("/");
        private Map<String, String> environment = Map.of();
        private List<String> aptGet = List.of("apt-get");
        private List<String> dpkg = List.of("dpkg");
        private List<String> dpkgQuery = List.of("dpkg-query");
        private List<String> needrestart = List.of("needrestart", "-b");
        private List<String> reboot = List.of("systemctl", "reboot");
        private List<String> kernelRelease = List.of("uname", "-r");
        private Path bootIdFile = Path.of("/proc/sys/kernel/random/boot_id");
        private final Path stateDirectory;
        private UpgradeMode upgradeMode = UpgradeMode.UPGRADE_WITH_NEW_PACKAGES;
        private Duration minimumRemaining = Duration.ofMinutes(30);
        private Duration stopMargin = Duration.ofMinutes(2);
        private Duration killGrace = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofMinutes(2);
        private boolean rebootForServices = true;

        private Builder(Path stateDirectory) {
            this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
        }

        /** See {@link OsUpdateConfig#root()}. */
        public Builder root(Path value) {
            root = value;
            return this;
        }

        /** See {@link OsUpdateConfig#environment()}. */
        public Builder environment(Map<String, String> value) {
            environment = value;
            return this;
        }

        /** See {@link OsUpdateConfig#aptGet()}. */
        public Builder aptGet(List<String> value) {
            aptGet = value;
            return this;
        }

        /** See {@link OsUpdateConfig#dpkg()}. */
        public Builder dpkg(List<String> value) {
            dpkg = value;
            return this;
        }

        /** See {@link OsUpdateConfig#dpkgQuery()}. */
        public Builder dpkgQuery(List<String> value) {
            dpkgQuery = value;
            return this;
        }

        /** See {@link OsUpdateConfig#needrestart()}. */
        public Builder needrestart(List<String> value) {
            needrestart = value;
            return this;
        }

        /** See {@link OsUpdateConfig#reboot()}. */
        public Builder reboot(List<String> value) {
            reboot = value;
            return this;
        }

        /** See {@link OsUpdateConfig#kernelRelease()}. */
        public Builder kernelRelease(List<String> value) {
            kernelRelease = value;
            return this;
        }

        /** See {@link OsUpdateConfig#bootIdFile()}. */
        public Builder bootIdFile(Path value) {
            bootIdFile = value;
            return this;
        }

        /** See {@link OsUpdateConfig#upgradeMode()}. */
        public Builder upgradeMode(UpgradeMode value) {
            upgradeMode = value;
            return this;
        }

        /** See {@link OsUpdateConfig#minimumRemaining()}. */
        public Builder minimumRemaining(Duration value) {
            minimumRemaining = value;
            return this;
        }

        /** See {@link OsUpdateConfig#stopMargin()}. */
        public Builder stopMargin(Duration value) {
            stopMargin = value;
            return this;
        }

        /** See {@link OsUpdateConfig#killGrace()}. */
        public Builder killGrace(Duration value) {
            killGrace = value;
            return this;
        }

        /** See {@link OsUpdateConfig#commandTimeout()}. */
        public Builder commandTimeout(Duration value) {
            commandTimeout = value;
            return this;
        }

        /** See {@link OsUpdateConfig#rebootForServices()}. */
        public Builder rebootForServices(boolean value) {
            rebootForServices = value;
            return this;
        }

        public OsUpdateConfig build() {
            return new OsUpdateConfig(root, environment, aptGet, dpkg, dpkgQuery, needrestart, reboot, kernelRelease,
                    bootIdFile, stateDirectory, upgradeMode, minimumRemaining, stopMargin, killGrace, commandTimeout,
                    rebootForServices);
        }
    }
}
