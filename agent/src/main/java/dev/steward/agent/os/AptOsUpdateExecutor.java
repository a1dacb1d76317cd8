package dev.steward.agent.os;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.steward.agent.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OS-update executor (MAINT-1): runs the weekly update through apt, non-interactively, stops
 * before the maintenance window ends, and reboots only when the system needs it.
 *
 * <p>{@link #run} does, in order:
 * <ol>
 * <li>refuses to start while a reboot of an earlier job is pending, or when less than
 *     {@link OsUpdateConfig#minimumRemaining()} is left before the deadline (the window's end less
 *     {@link OsUpdateConfig#stopMargin()});
 * <li>{@code dpkg --audit}: when an earlier run left packages unfinished,
 *     {@code dpkg --configure -a} completes them first ({@code dpkg_recovered});
 * <li>records the installed packages ({@code dpkg-query -W}), runs {@code apt-get update
 *     --error-on=any}, checks the time left again, then {@code apt-get -y upgrade --with-new-pkgs}
 *     (or {@code dist-upgrade}) with {@code -o Dpkg::Options::=--force-confdef -o
 *     Dpkg::Options::=--force-confold} (a locally changed configuration file is kept, the
 *     package's version lands beside it as {@code .dpkg-dist}) and the environment
 *     {@code DEBIAN_FRONTEND=noninteractive}, {@code NEEDRESTART_MODE=a} (needrestart restarts
 *     services by itself), {@code UCF_FORCE_CONFFOLD=1} (the same for ucf-managed files),
 *     {@code APT_LISTCHANGES_FRONTEND=none}, {@code LC_ALL=C} and standard input from /dev/null;
 * <li>compares the installed packages after with before: the upgraded/installed/removed lists;
 * <li>decides about a reboot ({@link RebootDecision}: {@code var/run/reboot-required} in the root
 *     and {@code needrestart -b});
 * <li>when a reboot is needed and the job allows it, writes the {@link PendingReboot} state and
 *     runs the reboot command; the result then says {@code reboot_requested} and is not final:
 *     {@link #resumeAfterReboot()}, called when the agent starts again, completes the job with the
 *     kernel after the reboot and the downtime.
 * </ol>
 *
 * <p>apt-get runs in a process group of its own ({@link CommandRunner}): when the deadline arrives
 * mid-run the whole group (apt, dpkg, maintainer scripts) gets SIGTERM, then SIGKILL after
 * {@link OsUpdateConfig#killGrace()}. The job then fails with reason {@value #WINDOW_ENDED},
 * the output of {@code dpkg --audit} (which packages are half-configured or unpacked) and apt's last
 * 50 lines; the next run completes those packages first (step 2). Nothing is left silently broken.
 *
 * <p>Thread safety: not for concurrent use; the agent runs one OS update at a time.
 */
public final class AptOsUpdateExecutor {

    /** The reason of a job whose deadline killed apt. */
    public static final String WINDOW_ENDED = "window ended";

    private static final Logger LOG = LoggerFactory.getLogger(AptOsUpdateExecutor.class);
    private static final int KEEP_LINES = 200;
    private static final int REPORT_LINES = 50;
    private static final long LOCK_WAIT_SECONDS = 300;

    private final OsUpdateConfig config;
    private final Clock clock;
    private final CommandRunner runner;

    /** An executor with {@code config}, measuring time with {@code clock}. */
    public AptOsUpdateExecutor(OsUpdateConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runner = new CommandRunner(clock);
    }

    /** The details as the job result's JSON {@code details} object. */
    public static String toJson(OsUpdateDetails details) {
        try {
            return PendingReboot.JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the details", e);
        }
    }

    /** Whether a reboot requested by an OS-update job waits for {@link #resumeAfterReboot()}. */
    public boolean rebootPending() {
        return Files.exists(PendingReboot.file(config.stateDirectory()));
    }

    /**
     * Runs one OS-update job. Never throws for a failure of apt, dpkg or the reboot command: that is
     * a failed result. When the result's details say {@code reboot_requested}, the reboot command
     * has run and the result is not final ({@link OsUpdateResult#complete()}); report it as
     * progress, if at all, and the final result from {@link #resumeAfterReboot()}.
     */
    public OsUpdateResult run(OsUpdateJob job) {
        Run run = new Run(job);
        return run.execute();
    }

    /**
     * Completes the job whose reboot is pending, if any: call once when the agent starts. Compares
     * the kernel's boot id with the one before the reboot (unchanged means the machine did not
     * reboot: the job fails), reads the running kernel (compared with the expected one when needrestart
     * named it: a different kernel fails the job) and measures the downtime from the reboot request
     * to now. Removes the state: the caller keeps the result until the control plane has it (the
     * agent's outbox of unreported results), since a second call returns empty.
     *
     * @return the job's final result, or empty when no reboot was pending
     * @throws java.io.UncheckedIOException when the state cannot be read (an invalid file is moved
     *     aside first, see {@link PendingReboot#read})
     */
    public Optional<OsUpdateResult> resumeAfterReboot() {
        Optional<PendingReboot> state = PendingReboot.read(config.stateDirectory());
        if (state.isEmpty()) {
            return Optional.empty();
        }
        PendingReboot pending = state.get();
        Instant now = clock.instant();
        double downtime = Math.max(0, Duration.between(Instant.parse(pending.requestedAt()), now).toMillis() / 1000.0);
        List<String> notes = new ArrayList<>();
        String kernelAfter = firstLine(shortCommand(config.kernelRelease(), notes));
        String bootId = bootId(notes);
        String failure = null;
        if (bootId != null && bootId.equals(pending.bootIdBefore())) {
            failure = "the machine did not reboot: the boot id is the same as when the reboot was requested at "
                    + pending.requestedAt();
        } else if (kernelAfter == null) {
            failure = "cannot read the running kernel after the reboot";
        } else if (pending.kernelExpected() != null && !pending.kernelExpected().equals(kernelAfter)) {
            failure = "running kernel " + kernelAfter + " after the reboot, expected " + pending.kernelExpected();
        }
        OsUpdateDetails details = pending.details().afterReboot(kernelAfter, downtime, failure, notes);
        PendingReboot.clear(config.stateDirectory());
        LOG.info("OS update {} completed after the reboot: kernel {} -> {}, {} s down{}", pending.jobId(),
                pending.kernelBefore(), kernelAfter, downtime, failure == null ? "" : ": " + failure);
        return Optional.of(new OsUpdateResult(
                failure == null ? JobStatus.SUCCEEDED : JobStatus.FAILED, details));
    }

    private String bootId(List<String> notes) {
        try {
            return Files.readString(config.bootIdFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            notes.add("cannot read the boot id from " + config.bootIdFile() + ": " + e.getMessage());
            return null;
        }
    }

    /** Runs a short command bounded by {@link OsUpdateConfig#commandTimeout()}; null and a note on failure. */
    private List<String> shortCommand(List<String> command, List<String> notes) {
        CommandRunner.Outcome outcome = runner.run(command, aptEnvironment(),
                clock.instant().plus(config.commandTimeout()), Duration.ofSeconds(5), 10_000);
        if (!outcome.succeeded()) {
            notes.add(outcome.describe());
            return null;
        }
        return outcome.outputTail();
    }

    private static String firstLine(List<String> lines) {
        if (lines == null) {
            return null;
        }
        return lines.stream().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse(null);
    }

    /** The environment of apt-get and dpkg: non-interactive, keep config files, needrestart automatic. */
    private Map<String, String> aptEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("DEBIAN_FRONTEND", "noninteractive");
        environment.put("NEEDRESTART_MODE", "a");
        environment.put("UCF_FORCE_CONFFOLD", "1");
        environment.put("APT_LISTCHANGES_FRONTEND", "none");
        environment.put("LC_ALL", "C");
        environment.putAll(config.environment());
        return environment;
    }

    private static List<String> concat(List<String> prefix, String... arguments) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(arguments));
        return command;
    }

    /** One job's run: the facts gathered so far, and the result they make. */
    private final class Run {
        private final OsUpdateJob job;
        private final Instant startedAt = clock.instant();
        private final Instant deadline;
        private final List<String> notes = new ArrayList<>();
        private final String upgradeCommand = String.join(" ", config.upgradeMode().arguments());
        private boolean started;
        private boolean dpkgRecovered;
        private String kernelBefore;
        private PackageInventory before;
        private OsUpdateDetails.Packages packages = OsUpdateDetails.Packages.NONE;
        private List<String> servicesRestarted = List.of();
        private List<String> rebootRequiredPackages = List.of();

        Run(OsUpdateJob job) {
            this.job = job;
            this.deadline = job.windowEnd().minus(config.stopMargin());
        }

        OsUpdateResult execute() {
            Optional<PendingReboot> pending;
            try {
                pending = PendingReboot.read(config.stateDirectory());
            } catch (UncheckedIOException e) {
                return failed("not started: " + e.getMessage(), null, null);
            }
            if (pending.isPresent()) {
                return failed("not started: the reboot requested by job " + pending.get().jobId() + " at "
                        + pending.get().requestedAt() + " is still pending", null, null);
            }
            String tooLate = tooLittleTime("not started");
            if (tooLate != null) {
                return failed(tooLate, null, null);
            }
            kernelBefore = firstLine(shortCommand(config.kernelRelease(), notes));

            String audit = audit();
            if (audit != null) {
                LOG.warn("OS update {}: dpkg was left unfinished, running dpkg --configure -a:\n{}", job.jobId(), audit);
                CommandRunner.Outcome configure = apt(concat(config.dpkg(), "--force-confdef", "--force-confold",
                        "--configure", "-a"), line -> { });
                if (!configure.succeeded()) {
                    started = true;
                    return aptFailed(configure, "dpkg was left unfinished by an earlier run and dpkg --configure -a failed");
                }
                dpkgRecovered = true;
            }

            before = inventory();
            if (before == null) {
                return failed("cannot list the installed packages: " + String.join("; ", notes), null, null);
            }
            CommandRunner.Outcome update = apt(concat(config.aptGet(), "-q", "-o", lockTimeout(), "--error-on=any",
                    "update"), line -> { });
            if (!update.succeeded()) {
                return aptFailed(update, "apt-get update failed");
            }
            tooLate = tooLittleTime("upgrade not started");
            if (tooLate != null) {
                return failed(tooLate, null, null);
            }

            started = true;
            AptOutputWatcher watcher = new AptOutputWatcher();
            List<String> upgrade = new ArrayList<>(config.aptGet());
            upgrade.addAll(List.of("-y", "-q", "-o", lockTimeout(), "-o", "Dpkg::Options::=--force-confdef", "-o",
                    "Dpkg::Options::=--force-confold", "-o", "Dpkg::Use-Pty=0"));
            upgrade.addAll(config.upgradeMode().arguments());
            CommandRunner.Outcome outcome = apt(upgrade, watcher);
            servicesRestarted = NeedrestartReport.restartedInAptOutput(watcher.lines());
            PackageInventory after = inventory();
            if (after != null) {
                packages = OsUpdateDetails.Packages.of(before.changesTo(after), watcher.keptBack());
            }
            if (!outcome.succeeded()) {
                return aptFailed(outcome, "apt-get " + upgradeCommand + " failed");
            }
            String auditAfter = audit();
            if (auditAfter != null) {
                return failed("apt-get " + upgradeCommand + " succeeded but dpkg --audit reports unfinished packages",
                        auditAfter, outcome.outputTail());
            }
            return decideReboot();
        }

        /**
         * apt's {@code DPkg::Lock::Timeout}: wait for another package manager (unattended-upgrades,
         * an administrator) to release the lock rather than fail at once; at most
         * {@value #LOCK_WAIT_SECONDS} s, and never past the deadline (the kill comes then anyway).
         */
        private String lockTimeout() {
            long left = Math.max(0, Duration.between(clock.instant(), deadline).toSeconds());
            return "DPkg::Lock::Timeout=" + Math.min(LOCK_WAIT_SECONDS, left);
        }

        /** Null when enough time is left, else the reason not to start. */
        private String tooLittleTime(String what) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.compareTo(config.minimumRemaining()) >= 0) {
                return null;
            }
            return what + ": " + seconds(left) + " s left before the deadline " + deadline + " (window end "
                    + job.windowEnd() + " less " + seconds(config.stopMargin()) + " s), at least "
                    + seconds(config.minimumRemaining()) + " s needed";
        }

        private CommandRunner.Outcome apt(List<String> command, Consumer<String> observer) {
            LOG.info("OS update {}: {}", job.jobId(), String.join(" ", command));
            return runner.run(command, aptEnvironment(), deadline, config.killGrace(), KEEP_LINES, observer);
        }

        /** The output of {@code dpkg --audit}, or null when dpkg has nothing to complain about. */
        private String audit() {
            CommandRunner.Outcome outcome = runner.run(concat(config.dpkg(), "--audit"), aptEnvironment(),
                    clock.instant().plus(config.commandTimeout()), Duration.ofSeconds(5), KEEP_LINES);
            String text = String.join("\n", outcome.outputTail()).strip();
            if (outcome.succeeded() && text.isEmpty()) {
                return null;
            }
            return text.isEmpty() ? outcome.describe() : text;
        }

        private PackageInventory inventory() {
            CommandRunner.Outcome outcome = runner.run(concat(config.dpkgQuery(), "-W", "-f=" + PackageInventory.FORMAT),
                    aptEnvironment(), clock.instant().plus(config.commandTimeout()), Duration.ofSeconds(5),
                    Integer.MAX_VALUE);
            if (!outcome.succeeded()) {
                notes.add(outcome.describe());
                return null;
            }
            return PackageInventory.parse(outcome.outputTail());
        }

        private OsUpdateResult aptFailed(CommandRunner.Outcome outcome, String what) {
            String reason = outcome.deadlineReached() ? WINDOW_ENDED : what + " (exit code " + outcome.exitCode() + ")";
            String audit = audit();
            LOG.warn("OS update {} failed: {}{}", job.jobId(), reason, audit == null ? "" : "; dpkg --audit:\n" + audit);
            return failed(reason, audit, outcome.outputTail());
        }

        private OsUpdateResult decideReboot() {
            Path file = config.root().resolve("var/run/reboot-required");
            boolean fileExists = Files.exists(file);
            Path pkgsFile = config.root().resolve("var/run/reboot-required.pkgs");
            if (Files.exists(pkgsFile)) {
                try {
                    rebootRequiredPackages = Files.readAllLines(pkgsFile, StandardCharsets.UTF_8).stream()
                            .map(String::strip).filter(line -> !line.isEmpty()).distinct().toList();
                } catch (IOException e) {
                    notes.add("cannot read " + pkgsFile + ": " + e.getMessage());
                }
            }
            NeedrestartReport needrestart = NeedrestartReport.NONE;
            if (!config.needrestart().isEmpty()) {
                needrestart = needrestart();
            } else {
                notes.add("needrestart is not used: only /var/run/reboot-required decides about a reboot");
            }
            RebootDecision decision = RebootDecision.decide(fileExists, rebootRequiredPackages, needrestart, config.rebootForServices());
            boolean requested = false;
            String reason = null;
            if (decision.required() && !job.rebootAllowed()) {
                notes.add("a reboot is needed but the job does not allow one");
            } else if (decision.required()) {
                Instant requestedAt = clock.instant();
                OsUpdateDetails soFar = details(true, needrestart, decision, true, null, null, requestedAt);
                String bootId = bootId(notes);
                try {
                    new PendingReboot(job.jobId(), requestedAt.toString(), bootId, kernelBefore,
                            needrestart.kernelExpected(), soFar).write(config.stateDirectory());
                } catch (UncheckedIOException e) {
                    // Without the state the job could not be completed after the reboot: do not reboot.
                    OsUpdateDetails details = details(true, needrestart, decision, false,
                            "not rebooting: " + e.getMessage(), null, clock.instant());
                    return new OsUpdateResult(JobStatus.FAILED, details);
                }
                LOG.info("OS update {}: rebooting ({})", job.jobId(), String.join("; ", decision.explanation()));
                CommandRunner.Outcome reboot = runner.run(config.reboot(), Map.of(),
                        clock.instant().plus(config.commandTimeout()), Duration.ofSeconds(5), REPORT_LINES);
                if (reboot.succeeded()) {
                    requested = true;
                } else {
                    PendingReboot.clear(config.stateDirectory());
                    reason = "the reboot command failed: " + reboot.describe();
                }
            }
            OsUpdateDetails details = details(true, needrestart, decision, requested, reason, null, clock.instant());
            return new OsUpdateResult(reason == null ? JobStatus.SUCCEEDED : JobStatus.FAILED,
                    details);
        }

        /**
         * Runs needrestart in batch mode. Its batch output counts whatever the exit code (batch mode
         * exits 0, but a plugin's complaint must not hide the kernel status); a missing needrestart
         * or one that printed no report is a note, and the reboot-required file decides alone.
         */
        private NeedrestartReport needrestart() {
            CommandRunner.Outcome outcome = runner.run(config.needrestart(), aptEnvironment(),
                    clock.instant().plus(config.commandTimeout()), Duration.ofSeconds(5), 10_000);
            boolean report = outcome.outputTail().stream().anyMatch(line -> line.startsWith("NEEDRESTART-"));
            if (outcome.exitCode() == 127) {
                notes.add("needrestart is not installed (" + outcome.describe() + "): only /var/run/reboot-required decides");
                return NeedrestartReport.NONE;
            }
            if (!report) {
                notes.add("needrestart printed no batch report: " + outcome.describe());
                return NeedrestartReport.NONE;
            }
            if (!outcome.succeeded()) {
                notes.add("needrestart: " + outcome.describe());
            }
            return NeedrestartReport.parse(outcome.outputTail());
        }

        private OsUpdateResult failed(String reason, String dpkgAudit, List<String> aptOutput) {
            List<String> tail = aptOutput == null ? null
                    : aptOutput.subList(Math.max(0, aptOutput.size() - REPORT_LINES), aptOutput.size());
            OsUpdateDetails details = new OsUpdateDetails(job.jobId(), started, reason, upgradeCommand,
                    startedAt.toString(), clock.instant().toString(), secondsSince(startedAt), packages, packages.counts(),
                    dpkgRecovered, false, false, List.of(), List.of(), List.of(), servicesRestarted, List.of(), 0,
                    kernelBefore, null, null, null, dpkgAudit, tail, notes);
            return new OsUpdateResult(JobStatus.FAILED, details);
        }

        private OsUpdateDetails details(boolean hasStarted, NeedrestartReport needrestart, RebootDecision decision,
                boolean rebootRequested, String reason, String dpkgAudit, Instant finishedAt) {
            return new OsUpdateDetails(job.jobId(), hasStarted, reason, upgradeCommand, startedAt.toString(),
                    finishedAt.toString(), Duration.between(startedAt, finishedAt).toMillis() / 1000.0, packages,
                    packages.counts(), dpkgRecovered, decision.required(), rebootRequested, decision.reasons(),
                    decision.explanation(), rebootRequiredPackages, servicesRestarted,
                    needrestart.services(), needrestart.kernelStatus(), kernelBefore, needrestart.kernelExpected(), null,
                    null, dpkgAudit, null, notes);
        }

        private double secondsSince(Instant start) {
            return Duration.between(start, clock.instant()).toMillis() / 1000.0;
        }
    }

    private static long seconds(Duration duration) {
        return duration.toSeconds();
    }

    /**
     * Watches apt's output for what only apt says: the packages it kept back, and (for
     * {@link NeedrestartReport#restartedInAptOutput}) needrestart's lines, which come at the end.
     * With {@code LC_ALL=C} apt prints "The following packages have been kept back:" followed by
     * indented lines of names.
     */
    private static final class AptOutputWatcher implements Consumer<String> {
        private final Set<String> keptBack = new LinkedHashSet<>();
        private final List<String> needrestartLines = new ArrayList<>();
        private boolean inKeptBack;
        private boolean inNeedrestart;

        @Override
        public synchronized void accept(String line) {
            if (line.startsWith("The following packages have been kept back")) {
                inKeptBack = true;
                return;
            }
            if (inKeptBack) {
                if (line.startsWith(" ")) {
                    for (String name : line.strip().split("\\s+")) {
                        if (!name.isEmpty()) {
                            keptBack.add(name);
                        }
                    }
                    return;
                }
                inKeptBack = false;
            }
            if (line.strip().startsWith("Restarting services")) {
                inNeedrestart = true;
            }
            if (inNeedrestart && needrestartLines.size() < 10_000) {
                needrestartLines.add(line);
            }
        }

        synchronized List<String> keptBack() {
            return List.copyOf(keptBack);
        }

        synchronized List<String> lines() {
            return List.copyOf(needrestartLines);
        }
    }
}
