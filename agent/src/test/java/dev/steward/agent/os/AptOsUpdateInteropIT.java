package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.agent.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS-update executor with real apt-get and dpkg against a throwaway root
 * ({@link ThrowawayAptRoot}) and a local repository of packages built here: version 1.0 installed
 * first, then 1.1 published and the executor run. needrestart, the reboot command, uname and the
 * boot id are stand-ins (real needrestart inspects the live system; a test must not reboot it).
 *
 * <p>Interop tier because apt-ftparchive (apt-utils) is not on a default Debian system;
 * {@code make interop} installs it through scripts/install-peers.
 */
class AptOsUpdateInteropIT {

    @TempDir
    Path dir;

    private ThrowawayAptRoot apt;
    private Path calls;
    private Path bootId;
    private boolean hostRebootFileBefore;

    @BeforeEach
    void root() throws IOException {
        hostRebootFileBefore = Files.exists(Path.of("/var/run/reboot-required"));
        apt = new ThrowawayAptRoot(dir);
        calls = dir.resolve("calls");
        bootId = dir.resolve("boot_id");
        Files.writeString(bootId, "boot-1\n");
        script("reboot", "echo reboot >> " + calls + "\n");
        script("uname", "echo 6.1.0-18-amd64\n");
        needrestart("NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-18-amd64", "NEEDRESTART-KEXP: 6.1.0-18-amd64",
                "NEEDRESTART-KSTA: 1");
    }

    @AfterEach
    void hostUntouched() {
        // The build machine's own database never learns of the test packages, and its reboot flag is as it was.
        CommandRunner.Outcome query = new CommandRunner(Clock.systemUTC()).run(List.of("dpkg-query", "-W", "stw-test-a"),
                Map.of(), Instant.now().plusSeconds(30), Duration.ofSeconds(1), 10);
        assertThat(query.exitCode()).as("host dpkg-query -W stw-test-a: %s", query.tail(3)).isNotZero();
        assertThat(Files.exists(Path.of("/var/run/reboot-required"))).isEqualTo(hostRebootFileBefore);
    }

    private void script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void needrestart(String... lines) throws IOException {
        script("needrestart", "cat <<'EOF'\n" + String.join("\n", lines) + "\nEOF\n");
    }

    private OsUpdateConfig.Builder config() {
        return apt.config(dir.resolve("state"))
                .needrestart(List.of(dir.resolve("needrestart").toString()))
                .reboot(List.of(dir.resolve("reboot").toString()))
                .kernelRelease(List.of(dir.resolve("uname").toString()))
                .bootIdFile(bootId)
                .minimumRemaining(Duration.ofSeconds(30))
                .stopMargin(Duration.ZERO)
                .killGrace(Duration.ofSeconds(3))
                .commandTimeout(Duration.ofSeconds(60));
    }

    @Test
    void upgradesKeepsLocalConfigListsChangesAndRebootsForTheRebootRequiredFile() throws IOException {
        apt.buildPackage("stw-test-a", "1.0", "", true, null);
        apt.buildPackage("stw-test-b", "1.0", "", false, null);
        apt.buildPackage("stw-test-k", "1.0", "", false, "true");
        apt.buildPackage("stw-test-c", "1.0", "", false, null);
        apt.buildPackage("stw-test-d", "1.0", "", false, null);
        apt.publish();
        apt.install("stw-test-a", "stw-test-b", "stw-test-k", "stw-test-c", "stw-test-d");
        Path conf = apt.root.resolve("etc/stw-test-a/stw-test-a.conf");
        assertThat(Files.readString(conf)).isEqualTo("setting = packaged 1.0\n");
        Files.writeString(conf, "setting = changed by the operator\n");

        apt.buildPackage("stw-test-a", "1.1", "", true, null);
        apt.buildPackage("stw-test-new", "1.0", "", false, null);
        apt.buildPackage("stw-test-b", "1.1", "Depends: stw-test-new\n", false, null);
        apt.buildPackage("stw-test-k", "1.1", "", false, """
                mkdir -p "$DPKG_ROOT/var/run"
                echo '*** System restart required ***' > "$DPKG_ROOT/var/run/reboot-required"
                echo stw-test-k >> "$DPKG_ROOT/var/run/reboot-required.pkgs"
                """);
        // Upgrading c would need d removed: upgrade --with-new-pkgs keeps it back.
        apt.buildPackage("stw-test-c", "1.1", "Conflicts: stw-test-d\n", false, null);
        apt.publish();

        OffsetClock clock = new OffsetClock();
        AptOsUpdateExecutor executor = new AptOsUpdateExecutor(config().build(), clock);
        OsUpdateResult result = executor.run(new OsUpdateJob("job-os-1", Instant.now().plus(Duration.ofHours(1)), true));

        OsUpdateDetails details = result.details();
        assertThat(result.status()).as("%s", details).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(details.packages().upgraded()).containsExactly(
                new PackageChange("stw-test-a", "all", "1.0", "1.1"),
                new PackageChange("stw-test-b", "all", "1.0", "1.1"),
                new PackageChange("stw-test-k", "all", "1.0", "1.1"));
        assertThat(details.packages().installed()).containsExactly(new PackageChange("stw-test-new", "all", null, "1.0"));
        assertThat(details.packages().removed()).isEmpty();
        assertThat(details.packages().keptBack()).containsExactly("stw-test-c");
        assertThat(details.counts()).isEqualTo(new OsUpdateDetails.Counts(3, 1, 0, 1));
        assertThat(apt.installedVersion("stw-test-c")).isEqualTo("1.0");
        assertThat(apt.installedVersion("stw-test-d")).isEqualTo("1.0");

        // --force-confold: the operator's file stays, the package's new default lands beside it.
        assertThat(Files.readString(conf)).isEqualTo("setting = changed by the operator\n");
        assertThat(Files.readString(conf.resolveSibling("stw-test-a.conf.dpkg-dist"))).isEqualTo("setting = packaged 1.1\n");

        assertThat(details.rebootRequired()).isTrue();
        assertThat(details.rebootReasons()).containsExactly(RebootDecision.FILE);
        assertThat(details.rebootRequiredPackages()).containsExactly("stw-test-k");
        assertThat(details.rebootRequested()).isTrue();
        assertThat(details.dpkgAudit()).isNull();
        assertThat(Files.readAllLines(calls)).containsExactly("reboot");
        assertThat(result.complete()).isFalse();
        assertThat(Files.exists(PendingReboot.file(dir.resolve("state")))).isTrue();

        // The agent starts again after the reboot.
        clock.advance(Duration.ofSeconds(70));
        Files.writeString(bootId, "boot-2\n");
        OsUpdateResult last = executor.resumeAfterReboot().orElseThrow();
        assertThat(last.status()).as("%s", last.details()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(last.details().kernelBefore()).isEqualTo("6.1.0-18-amd64");
        assertThat(last.details().kernelAfter()).isEqualTo("6.1.0-18-amd64");
        assertThat(last.details().downtimeSeconds()).isBetween(70.0, 100.0);
        assertThat(last.details().packages().upgraded()).hasSize(3);
        assertThat(AptOsUpdateExecutor.toJson(last.details())).contains("\"kernel_after\" : \"6.1.0-18-amd64\"");
    }

    @Test
    void needrestartsPendingKernelRebootsWithoutTheFileAndNothingToUpgradeChangesNothing() throws IOException {
        apt.buildPackage("stw-test-a", "1.0", "", true, null);
        apt.publish();
        apt.install("stw-test-a");
        needrestart("NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-18-amd64", "NEEDRESTART-KEXP: 6.1.0-20-amd64",
                "NEEDRESTART-KSTA: 3");
        AptOsUpdateExecutor executor = new AptOsUpdateExecutor(config().build(), Clock.systemUTC());
        OsUpdateResult result = executor.run(new OsUpdateJob("job-os-2", Instant.now().plus(Duration.ofHours(1)), true));
        assertThat(result.status()).as("%s", result.details()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.details().counts()).isEqualTo(new OsUpdateDetails.Counts(0, 0, 0, 0));
        assertThat(Files.exists(apt.root.resolve("var/run/reboot-required"))).isFalse();
        assertThat(result.details().rebootReasons()).containsExactly(RebootDecision.KERNEL);
        assertThat(result.details().kernelExpected()).isEqualTo("6.1.0-20-amd64");
        assertThat(result.details().rebootRequested()).isTrue();

        // It came back on the old kernel: the job fails and says so.
        Files.writeString(bootId, "boot-2\n");
        OsUpdateResult last = executor.resumeAfterReboot().orElseThrow();
        assertThat(last.status()).isEqualTo(JobStatus.FAILED);
        assertThat(last.details().reason()).isEqualTo("running kernel 6.1.0-18-amd64 after the reboot, expected 6.1.0-20-amd64");
    }

    @Test
    void theWindowEndKillsAptAndReportsDpkgsStateAndTheNextRunCompletesIt() throws IOException {
        apt.buildPackage("stw-test-slow", "1.0", "", false, null);
        apt.publish();
        apt.install("stw-test-slow");
        apt.buildPackage("stw-test-slow", "1.1", "", false, """
                if [ -e "$DPKG_ROOT/slow" ]; then echo 'stw-test-slow: configuring slowly'; sleep 300; fi
                """);
        apt.publish();
        Files.writeString(apt.root.resolve("slow"), "");

        AptOsUpdateExecutor executor = new AptOsUpdateExecutor(config().minimumRemaining(Duration.ofSeconds(2)).build(),
                Clock.systemUTC());
        Instant start = Instant.now();
        // Long enough for apt to reach the postinst on a loaded machine; the postinst would take 300 s.
        Instant windowEnd = start.plus(Duration.ofSeconds(20));
        OsUpdateResult result = executor.run(new OsUpdateJob("job-os-3", windowEnd, true));
        Instant end = Instant.now();

        OsUpdateDetails details = result.details();
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(details.reason()).isEqualTo(AptOsUpdateExecutor.WINDOW_ENDED);
        assertThat(details.started()).isTrue();
        // Killed at the window's end: SIGTERM, at most the 3 s grace, then dpkg --audit (a bound
        // generous for a loaded build machine, and far below the postinst's 300 s).
        assertThat(Duration.between(windowEnd, end)).isLessThan(Duration.ofSeconds(60));
        assertThat(Duration.between(start, end)).isGreaterThanOrEqualTo(Duration.ofSeconds(19));
        assertThat(details.dpkgAudit()).contains("stw-test-slow").containsIgnoringCase("half");
        assertThat(details.aptOutputTail()).isNotEmpty().hasSizeLessThanOrEqualTo(50)
                .anySatisfy(line -> assertThat(line).contains("stw-test-slow: configuring slowly"));
        assertThat(details.rebootRequested()).isFalse();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("sleep 300")).toList())
                .as("no maintainer script left running").isEmpty();

        // Next week: the package is completed first (dpkg --configure -a), then the upgrade runs.
        Files.delete(apt.root.resolve("slow"));
        OsUpdateResult next = executor.run(new OsUpdateJob("job-os-4", Instant.now().plus(Duration.ofHours(1)), true));
        assertThat(next.status()).as("%s", next.details()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(next.details().dpkgRecovered()).isTrue();
        assertThat(next.details().dpkgAudit()).isNull();
        assertThat(apt.installedVersion("stw-test-slow")).isEqualTo("1.1");
    }

    @Test
    void distUpgradeRemovesWhatAConflictRequires() throws IOException {
        apt.buildPackage("stw-test-b", "1.0", "", false, null);
        apt.buildPackage("stw-test-c", "1.0", "", false, null);
        apt.publish();
        apt.install("stw-test-b", "stw-test-c");
        apt.buildPackage("stw-test-c", "1.1", "Conflicts: stw-test-b\n", false, null);
        apt.publish();
        OsUpdateResult result = new AptOsUpdateExecutor(
                config().upgradeMode(OsUpdateConfig.UpgradeMode.DIST_UPGRADE).build(), Clock.systemUTC())
                .run(new OsUpdateJob("job-os-5", Instant.now().plus(Duration.ofHours(1)), true));
        assertThat(result.status()).as("%s", result.details()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.details().upgradeCommand()).isEqualTo("dist-upgrade");
        assertThat(result.details().packages().upgraded()).containsExactly(new PackageChange("stw-test-c", "all", "1.0", "1.1"));
        assertThat(result.details().packages().removed()).containsExactly(new PackageChange("stw-test-b", "all", "1.0", null));
        assertThat(result.details().rebootRequired()).isFalse();
    }
}
