package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

    private final CommandRunner runner = new CommandRunner(Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    void keepsTheLastLinesShowsEveryLineAndReportsTheExitCode() {
        List<String> seen = new ArrayList<>();
        CommandRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "for i in $(seq 1 500); do echo line $i; done; echo oops >&2; exit 3"),
                Map.of(), Instant.now().plusSeconds(30), Duration.ofSeconds(1), 10, seen::add);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.deadlineReached()).isFalse();
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.outputLines()).isEqualTo(501);
        assertThat(outcome.outputTail()).hasSize(10).endsWith("line 500", "oops");
        assertThat(outcome.tail(2)).isEqualTo("line 500\noops");
        assertThat(seen).hasSize(501).startsWith("line 1");
    }

    @Test
    void passesTheEnvironmentAndClosesStandardInput() {
        CommandRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "echo \"$STW_X\"; cat; echo done"),
                Map.of("STW_X", "from-test"), Instant.now().plusSeconds(30), Duration.ofSeconds(1), 10);
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.outputTail()).containsExactly("from-test", "done");
    }

    @Test
    void theDeadlineKillsTheWholeProcessGroupIncludingGrandchildren() throws Exception {
        // The child ignores SIGTERM, so the group needs the SIGKILL after the grace period; the
        // grandchild (a sleep in the background) must die with it.
        Path pidFile = dir.resolve("grandchild.pid");
        Instant start = Instant.now();
        CommandRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c",
                        "trap '' TERM; sleep 300 & echo $! > " + pidFile + "; echo started; wait; wait; sleep 300"),
                Map.of(), start.plusSeconds(3), Duration.ofMillis(500), 10);
        Duration took = Duration.between(start, Instant.now());
        assertThat(outcome.deadlineReached()).isTrue();
        assertThat(outcome.exitCode()).isEqualTo(-1);
        assertThat(outcome.outputTail()).contains("started");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofSeconds(60));
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(goneWithin(grandchild, Duration.ofSeconds(5))).as("the grandchild %d is gone", grandchild).isTrue();
    }

    /** Whether {@code pid} has ended (gone, or a zombie that init has not reaped yet) within {@code limit}. */
    private static boolean goneWithin(long pid, Duration limit) throws Exception {
        Instant until = Instant.now().plus(limit);
        do {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            String text = Files.readString(stat);
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            Thread.sleep(50); // polling /proc: there is no event for a process that is not our child
        } while (Instant.now().isBefore(until));
        return false;
    }

    @Test
    void aDeadlineInThePastStillStartsAndKillsAtOnce() {
        CommandRunner.Outcome outcome = runner.run(List.of("sleep", "300"), Map.of(), Instant.now().minusSeconds(1),
                Duration.ofMillis(200), 10);
        assertThat(outcome.deadlineReached()).isTrue();
        assertThat(outcome.elapsed()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void aMissingCommandIsExitCode127() {
        CommandRunner.Outcome outcome = runner.run(List.of("/nonexistent/stw-no-such-command"), Map.of(),
                Instant.now().plusSeconds(10), Duration.ofSeconds(1), 10);
        assertThat(outcome.exitCode()).isEqualTo(127);
        assertThat(outcome.describe()).contains("stw-no-such-command");
    }

    @Test
    void aVeryLongLineIsCutAndCarriageReturnsDropped() {
        CommandRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c",
                        "head -c 100000 /dev/zero | tr '\\0' x; printf '\\nshort\\r\\nlast-without-newline'"),
                Map.of(), Instant.now().plusSeconds(30), Duration.ofSeconds(1), 10);
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.outputTail()).hasSize(3);
        assertThat(outcome.outputTail().get(0)).hasSize(1_001).endsWith("x…");
        assertThat(outcome.outputTail().subList(1, 3)).containsExactly("short", "last-without-newline");
    }
}
