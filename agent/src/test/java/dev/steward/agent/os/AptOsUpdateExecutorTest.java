package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.agent.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's decisions with stand-in commands (shell scripts that record their calls): the time
 * checks, the reboot decision, the pending-reboot state and the completion after the reboot. Real
 * apt and dpkg in a throwaway root: {@code AptOsUpdateInteropIT}.
 */
class AptOsUpdateExecutorTest {

    @TempDir
    Path dir;

    private Path calls;
    private Path status;
    private Path bootId;
    private final OffsetClock clock = new OffsetClock();

    @BeforeEach
    void commands() throws IOException {
        calls = dir.resolve("calls");
        status = dir.resolve("status");
        bootId = dir.resolve("boot_id");
        Files.writeString(bootId, "boot-1\n");
        Files.writeString(status, "stw-a\tall\t1.0\tinstalled\nstw-k\tamd64\t1.0\tinstalled\n");
        // apt-get: "upgrade" changes the fake dpkg database; everything is recorded.
        script("apt-get", "echo \"apt-get $*\" >> " + calls + "\n"
                + "case \"$*\" in *upgrade*) printf 'stw-a\\tall\\t1.1\\tinstalled\\nstw-k\\tamd64\\t1.1\\tinstalled\\nstw-new\\tall\\t2.0\\tinstalled\\n' > " + status
                + "; echo 'Restarting services...'; echo ' systemctl restart cron.service';;\nesac\n");
        script("dpkg-query", "cat " + status + "\n");
        script("dpkg", "echo \"dpkg $*\" >> " + calls + "\n");
        script("uname", "echo 6.1.0-18-amd64\n");
        script("reboot", "echo reboot >> " + calls + "\n");
        needrestart("NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-18-amd64", "NEEDRESTART-KEXP: 6.1.0-18-amd64",
                "NEEDRESTART-KSTA: 1");
    }

    private void script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void needrestart(String... lines) throws IOException {
        script("needrestart", "cat <<'EOF'\n" + String.join("\n", lines) + "\nEOF\n");
    }

    private AptOsUpdateExecutor executor(Duration minimumRemaining) {
        OsUpdateConfig config = OsUpdateConfig.builder(dir.resolve("state"))
                .root(dir.resolve("root"))
                .aptGet(List.of(dir.resolve("apt-get").toString()))
                .dpkg(List.of(dir.resolve("dpkg").toString()))
                .dpkgQuery(List.of(dir.resolve("dpkg-query").toString()))
                .needrestart(List.of(dir.resolve("needrestart").toString()))
                .reboot(List.of(dir.resolve("reboot").toString()))
                .kernelRelease(List.of(dir.resolve("uname").toString()))
                .bootIdFile(bootId)
                .minimumRemaining(minimumRemaining)
                .stopMargin(Duration.ofMinutes(1))
                .killGrace(Duration.ofSeconds(2))
                .commandTimeout(Duration.ofSeconds(20))
                .build();
        return new AptOsUpdateExecutor(config, clock);
    }

    private List<String> calls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void doesNotStartWhenTooLittleOfTheWindowIsLeft() throws IOException {
        OsUpdateResult result = executor(Duration.ofMinutes(30))
                .run(new OsUpdateJob("job-1", Instant.now().plus(Duration.ofMinutes(20)), true));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().started()).isFalse();
        assertThat(result.details().reason()).startsWith("not started: ").contains("at least 1800 s needed");
        assertThat(calls()).as("neither apt nor dpkg ran").isEmpty();
    }

    @Test
    void noRebootWhenNothingAsksForOne() throws IOException {
        OsUpdateResult result = executor(Duration.ofMinutes(5)).run(new OsUpdateJob("job-2", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.complete()).isTrue();
        OsUpdateDetails details = result.details();
        assertThat(details.packages().upgraded()).containsExactly(
                new PackageChange("stw-a", "all", "1.0", "1.1"), new PackageChange("stw-k", "amd64", "1.0", "1.1"));
        assertThat(details.packages().installed()).containsExactly(new PackageChange("stw-new", "all", null, "2.0"));
        assertThat(details.servicesRestarted()).containsExactly("cron.service");
        assertThat(details.rebootRequired()).isFalse();
        assertThat(details.rebootRequested()).isFalse();
        assertThat(details.kernelBefore()).isEqualTo("6.1.0-18-amd64");
        assertThat(details.kernelStatus()).isEqualTo(1);
        assertThat(calls()).containsExactly(
                "dpkg --audit",
                "apt-get -q -o DPkg::Lock::Timeout=300 --error-on=any update",
                "apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0 upgrade --with-new-pkgs",
                "dpkg --audit");
    }

    @Test
    void needrestartsKernelStatusRebootsAndTheJobCompletesAfterTheRestart() throws IOException {
        needrestart("NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-18-amd64", "NEEDRESTART-KEXP: 6.1.0-20-amd64",
                "NEEDRESTART-KSTA: 3", "NEEDRESTART-SVC: dbus.service");
        AptOsUpdateExecutor executor = executor(Duration.ofMinutes(5));
        OsUpdateResult first = executor.run(new OsUpdateJob("job-3", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(first.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(first.complete()).isFalse();
        assertThat(first.details().rebootRequested()).isTrue();
        assertThat(first.details().rebootReasons()).containsExactly(RebootDecision.KERNEL, RebootDecision.SERVICES);
        assertThat(first.details().kernelExpected()).isEqualTo("6.1.0-20-amd64");
        assertThat(first.details().servicesPendingRestart()).containsExactly("dbus.service");
        assertThat(calls()).endsWith("reboot");
        assertThat(executor.rebootPending()).isTrue();
        assertThat(executor.run(new OsUpdateJob("job-4", Instant.now().plus(Duration.ofHours(2)), true)).details().reason())
                .as("no new job while the reboot is pending").contains("job-3").contains("still pending");

        // The machine comes back 95 s later with the new kernel.
        clock.advance(Duration.ofSeconds(95));
        Files.writeString(bootId, "boot-2\n");
        script("uname", "echo 6.1.0-20-amd64\n");
        OsUpdateResult last = executor.resumeAfterReboot().orElseThrow();
        assertThat(last.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(last.complete()).isTrue();
        assertThat(last.details().kernelBefore()).isEqualTo("6.1.0-18-amd64");
        assertThat(last.details().kernelAfter()).isEqualTo("6.1.0-20-amd64");
        assertThat(last.details().downtimeSeconds()).isBetween(95.0, 120.0);
        assertThat(last.details().packages().upgraded()).hasSize(2);
        assertThat(executor.rebootPending()).isFalse();
        assertThat(executor.resumeAfterReboot()).isEmpty();
    }

    @Test
    void theRebootRequiredFileAloneRebootsAndAnUnchangedBootIdFailsTheJob() throws IOException {
        needrestart("NEEDRESTART-VER: 3.6", "NEEDRESTART-KSTA: 0");
        Path run = Files.createDirectories(dir.resolve("root/var/run"));
        Files.writeString(run.resolve("reboot-required"), "*** System restart required ***\n");
        Files.writeString(run.resolve("reboot-required.pkgs"), "libc6\nlibc6\ndbus\n");
        AptOsUpdateExecutor executor = executor(Duration.ofMinutes(5));
        OsUpdateResult first = executor.run(new OsUpdateJob("job-5", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(first.details().rebootReasons()).containsExactly(RebootDecision.FILE);
        assertThat(first.details().rebootRequiredPackages()).containsExactly("libc6", "dbus");
        assertThat(first.details().rebootRequested()).isTrue();

        OsUpdateResult last = executor.resumeAfterReboot().orElseThrow();
        assertThat(last.status()).isEqualTo(JobStatus.FAILED);
        assertThat(last.details().reason()).startsWith("the machine did not reboot");
        assertThat(executor.rebootPending()).isFalse();
    }

    @Test
    void aRebootThatIsNotAllowedIsOnlyReported() throws IOException {
        needrestart("NEEDRESTART-KSTA: 3", "NEEDRESTART-KEXP: 6.1.0-20-amd64");
        OsUpdateResult result = executor(Duration.ofMinutes(5))
                .run(new OsUpdateJob("job-6", Instant.now().plus(Duration.ofHours(2)), false));
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.details().rebootRequired()).isTrue();
        assertThat(result.details().rebootRequested()).isFalse();
        assertThat(result.details().notes()).contains("a reboot is needed but the job does not allow one");
        assertThat(calls()).doesNotContain("reboot");
    }

    @Test
    void aFailingRebootCommandFailsTheJobAndLeavesNoPendingState() throws IOException {
        needrestart("NEEDRESTART-KSTA: 3");
        script("reboot", "echo 'Failed to connect to bus' >&2; exit 1\n");
        AptOsUpdateExecutor executor = executor(Duration.ofMinutes(5));
        OsUpdateResult result = executor.run(new OsUpdateJob("job-7", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().reason()).startsWith("the reboot command failed").contains("Failed to connect to bus");
        assertThat(executor.rebootPending()).isFalse();
    }

    @Test
    void anUnfinishedDpkgIsCompletedFirstAndAFailedUpgradeReportsAptsOutput() throws IOException {
        script("dpkg", "echo \"dpkg $*\" >> " + calls + "\n"
                + "case \"$*\" in *--audit*) [ -f " + dir.resolve("broken") + " ] && echo 'The following packages are only half configured:' && echo ' stw-a  test'; true;;"
                + " *--configure*) rm -f " + dir.resolve("broken") + ";; esac\n");
        Files.writeString(dir.resolve("broken"), "");
        script("apt-get", "echo \"apt-get $*\" >> " + calls + "\n"
                + "case \"$*\" in *upgrade*) echo 'E: Sub-process /usr/bin/dpkg returned an error code (1)'; exit 100;; esac\n");
        OsUpdateResult result = executor(Duration.ofMinutes(5))
                .run(new OsUpdateJob("job-8", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(calls()).startsWith("dpkg --audit", "dpkg --force-confdef --force-confold --configure -a");
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().dpkgRecovered()).isTrue();
        assertThat(result.details().started()).isTrue();
        assertThat(result.details().reason()).isEqualTo("apt-get upgrade --with-new-pkgs failed (exit code 100)");
        assertThat(result.details().aptOutputTail()).containsExactly("E: Sub-process /usr/bin/dpkg returned an error code (1)");
        assertThat(result.details().dpkgAudit()).isNull();
    }

    @Test
    void theDetailsSerialiseWithSnakeCaseNames() throws IOException {
        OsUpdateResult result = executor(Duration.ofMinutes(5)).run(new OsUpdateJob("job-9", Instant.now().plus(Duration.ofHours(2)), true));
        JsonNode json = new ObjectMapper().readTree(AptOsUpdateExecutor.toJson(result.details()));
        assertThat(json.path("job_id").asText()).isEqualTo("job-9");
        assertThat(json.path("reboot_requested").asBoolean(true)).isFalse();
        assertThat(json.path("counts").path("upgraded").asInt()).isEqualTo(2);
        assertThat(json.path("counts").path("kept_back").asInt()).isZero();
        assertThat(json.path("packages").path("upgraded").get(0).path("package").asText()).isEqualTo("stw-a");
        assertThat(json.path("packages").path("installed").get(0).has("from")).isFalse();
        assertThat(json.path("kernel_before").asText()).isEqualTo("6.1.0-18-amd64");
        assertThat(json.has("downtime_seconds")).isTrue();
        assertThat(json.path("services_restarted").get(0).asText()).isEqualTo("cron.service");
    }

    @Test
    void theWindowEndKillsAptAndTheResultSaysWhatStateDpkgIsIn() throws IOException {
        script("apt-get", "echo \"apt-get $*\" >> " + calls + "\n"
                + "case \"$*\" in *upgrade*) echo 'Setting up stw-a (1.1) ...'; touch " + dir.resolve("broken")
                + "; sleep 300;; esac\n");
        script("dpkg", "case \"$*\" in *--audit*) [ -f " + dir.resolve("broken") + " ] && "
                + "echo 'The following packages are only half configured, probably due to problems' && echo ' stw-a  test'; true;; esac\n");
        Instant start = Instant.now();
        // The deadline is the window's end less the one-minute stop margin: 8 s from now.
        Instant windowEnd = start.plus(Duration.ofMinutes(1)).plusSeconds(8);
        OsUpdateResult result = executor(Duration.ofSeconds(1)).run(new OsUpdateJob("job-10", windowEnd, true));
        Duration took = Duration.between(start, Instant.now());
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().reason()).isEqualTo(AptOsUpdateExecutor.WINDOW_ENDED);
        assertThat(result.details().started()).isTrue();
        assertThat(result.details().dpkgAudit()).contains("half configured").contains("stw-a");
        assertThat(result.details().aptOutputTail()).containsExactly("Setting up stw-a (1.1) ...");
        // Far less than the 300 s the upgrade would take (generous: the build machine may be loaded).
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(7)).isLessThan(Duration.ofSeconds(60));
        assertThat(result.details().rebootRequested()).isFalse();
    }

    @Test
    void aFailedAptGetUpdateChangesNothing() throws IOException {
        script("apt-get", "echo \"apt-get $*\" >> " + calls + "\n"
                + "case \"$*\" in *update*) echo 'E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease'; exit 100;; esac\n");
        OsUpdateResult result = executor(Duration.ofMinutes(5)).run(new OsUpdateJob("job-11", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().started()).isFalse();
        assertThat(result.details().reason()).isEqualTo("apt-get update failed (exit code 100)");
        assertThat(result.details().aptOutputTail()).singleElement().asString().startsWith("E: Failed to fetch");
        assertThat(calls()).noneMatch(line -> line.contains("upgrade"));
    }

    @Test
    void anInvalidStateFileIsMovedAsideAndReported() throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve(PendingReboot.FILE_NAME), "{ not json");
        AptOsUpdateExecutor executor = executor(Duration.ofMinutes(5));
        OsUpdateResult result = executor.run(new OsUpdateJob("job-12", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().reason()).startsWith("not started: the pending-reboot state").contains("is not valid");
        assertThat(state.resolve(PendingReboot.FILE_NAME + ".corrupt")).exists();
        assertThat(executor.rebootPending()).isFalse();
        assertThat(executor.resumeAfterReboot()).isEmpty();
    }

    @Test
    void theStatusSerialisesAsTheJobApiValue() throws IOException {
        OsUpdateResult result = executor(Duration.ofMinutes(5)).run(new OsUpdateJob("job-13", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(new ObjectMapper().writeValueAsString(result.status())).isEqualTo("\"succeeded\"");
        assertThat(new ObjectMapper().writeValueAsString(JobStatus.FAILED)).isEqualTo("\"failed\"");
    }

    @Test
    void aMissingNeedrestartLeavesTheDecisionToTheFileAndANonZeroExitStillCounts() throws IOException {
        Files.delete(dir.resolve("needrestart"));
        OsUpdateResult missing = executor(Duration.ofMinutes(5))
                .run(new OsUpdateJob("job-14", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(missing.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(missing.details().rebootRequired()).isFalse();
        assertThat(missing.details().notes()).anySatisfy(note -> assertThat(note).startsWith("needrestart is not installed"));

        script("needrestart", "echo 'NEEDRESTART-VER: 3.6'; echo 'NEEDRESTART-KSTA: 3'; echo 'plugin failed' >&2; exit 2\n");
        OsUpdateResult failing = executor(Duration.ofMinutes(5))
                .run(new OsUpdateJob("job-15", Instant.now().plus(Duration.ofHours(2)), false));
        assertThat(failing.details().rebootReasons()).containsExactly(RebootDecision.KERNEL);
        assertThat(failing.details().notes()).anySatisfy(note -> assertThat(note).contains("exit code 2"));
    }

    @Test
    void noRebootWithoutAPlaceToKeepTheStateForAfterIt() throws IOException {
        needrestart("NEEDRESTART-KSTA: 3");
        Files.writeString(dir.resolve("state"), "a file where the state directory should be");
        OsUpdateResult result = executor(Duration.ofMinutes(5))
                .run(new OsUpdateJob("job-16", Instant.now().plus(Duration.ofHours(2)), true));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.details().reason()).startsWith("not rebooting: cannot write the pending-reboot state");
        assertThat(result.details().rebootRequired()).isTrue();
        assertThat(result.details().rebootRequested()).isFalse();
        assertThat(calls()).doesNotContain("reboot");
    }
}
