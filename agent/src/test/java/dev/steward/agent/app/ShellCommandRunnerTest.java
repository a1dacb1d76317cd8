package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ShellCommandRunnerTest {

    /** Shorter than in production so that the SIGKILL test is quick. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    @TempDir
    Path temporary;

    private ShellCommandRunner runner(int tailBytes) {
        return new ShellCommandRunner(temporary.resolve("scratch"), tailBytes, GRACE);
    }

    private CommandOutcome run(String command, Duration timeout) throws InterruptedException {
        return runner(1024).run(command, Map.of("STEWARD_STEP", "test"), temporary, timeout, Deadline.NONE);
    }

    @Test
    void run_exitStatusAndOutput_reportedWithStdoutAndStderrTogether() throws Exception {
        CommandOutcome outcome = run("echo out; echo err >&2; exit 7", Duration.ofSeconds(10));

        assertThat(outcome.exitCode()).isEqualTo(7);
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.failure(Duration.ofSeconds(10))).isEqualTo("exit status 7");
        assertThat(outcome.outputTail()).isEqualTo("out\nerr\n");
        assertThat(outcome.outputBytes()).isEqualTo(8);
        assertThat(outcome.timedOut()).isFalse();
        assertThat(temporary.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void run_environment_isOnlyTheDocumentedVariables() throws Exception {
        CommandOutcome outcome = run("env | sort", Duration.ofSeconds(10));

        assertThat(outcome.ok()).isTrue();
        // PWD is the shell's own (dash exports it); everything else comes from ShellCommandRunner.
        assertThat(outcome.outputTail().lines().map(line -> line.substring(0, line.indexOf('='))).toList())
                .containsExactly("HOME", "LANG", "PATH", "PWD", "STEWARD_STEP");
        assertThat(outcome.outputTail()).contains("PATH=" + ShellCommandRunner.PATH + "\n", "LANG=C.UTF-8\n",
                "STEWARD_STEP=test\n", "PWD=" + temporary + "\n");
    }

    @Test
    void run_command_leadsItsOwnProcessGroup() throws Exception {
        // /proc/PID/stat: pid (comm) state ppid pgrp session ...
        CommandOutcome outcome = run("echo $$; cut -d' ' -f5,6 /proc/$$/stat", Duration.ofSeconds(10));

        List<String> lines = outcome.outputTail().lines().toList();
        assertThat(lines.get(1)).as("process group and session are the shell's own").isEqualTo(lines.get(0) + " " + lines.get(0));
        assertThat(ShellCommandRunner.processGroup(Long.parseLong(lines.get(0)))).isEmpty(); // gone by now
        assertThat(ShellCommandRunner.processGroup(ProcessHandle.current().pid())).isPresent()
                .get().isNotEqualTo(Long.parseLong(lines.get(0)));
    }

    @Test
    void run_stdin_isEmpty() throws Exception {
        CommandOutcome outcome = run("cat; echo end", Duration.ofSeconds(10));

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.outputTail()).isEqualTo("end\n");
    }

    @Test
    void run_longOutput_keepsOnlyTheTailAndSaysHowMuchWasDropped() throws Exception {
        // 100,000 lines of "line N" and a last line; only the last 1 KiB is kept.
        CommandOutcome outcome = run("i=0; while [ $i -lt 20000 ]; do echo \"line $i\"; i=$((i+1)); done; echo last",
                Duration.ofSeconds(30));

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.outputBytes()).isGreaterThan(100_000);
        assertThat(outcome.outputTail()).startsWith("[" + (outcome.outputBytes() - 1024) + " earlier bytes not kept]\n")
                .endsWith("line 19999\nlast\n");
        assertThat(outcome.outputTail().length()).isLessThan(1024 + 40);
    }

    @Test
    void tail_cutInsideAUtf8Character_startsAtTheNextCharacter() throws Exception {
        Path file = temporary.resolve("out");
        Files.writeString(file, "aé" + "x".repeat(300)); // 'é' is two bytes; the tail starts on its second byte

        ShellCommandRunner.Tail tail = ShellCommandRunner.tail(file, 301);

        assertThat(tail.text()).isEqualTo("[3 earlier bytes not kept]\n" + "x".repeat(300));
        assertThat(tail.totalBytes()).isEqualTo(303);
    }

    @Test
    void run_timeout_killsTheWholeProcessGroupQuickly() throws Exception {
        Path pidFile = temporary.resolve("child.pid");
        long start = System.nanoTime();

        ShellCommandRunner patient = new ShellCommandRunner(temporary.resolve("scratch"), 1024, Duration.ofSeconds(10));
        CommandOutcome outcome = patient.run("sleep 60 & echo $! > '" + pidFile + "'; echo started; wait", Map.of(),
                temporary, Duration.ofSeconds(1), Deadline.NONE);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(outcome.timedOut()).isTrue();
        assertThat(outcome.deadlineReached()).isFalse();
        assertThat(outcome.exitCode()).isNull();
        assertThat(outcome.failure(Duration.ofSeconds(1))).isEqualTo("timed out after 1s and was killed");
        assertThat(outcome.outputTail()).isEqualTo("started\n");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ShellCommandRunner.running(child)).as("the background child").isFalse();
        // SIGTERM ends sh and sleep at once: no waiting for the 10 s grace period.
        assertThat(took).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void run_childIgnoringSigterm_getsSigkillAfterTheGrace() throws Exception {
        Path pidFile = temporary.resolve("child.pid");

        CommandOutcome outcome = run("sh -c 'trap \"\" TERM; echo $$ > \"" + pidFile + "\"; while :; do sleep 1; done' & wait",
                Duration.ofSeconds(1));

        assertThat(outcome.timedOut()).isTrue();
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ShellCommandRunner.running(child)).as("the child that ignored SIGTERM").isFalse();
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).plus(GRACE));
    }

    @Test
    void run_deadlineBeforeTimeout_stopsAtTheDeadline() throws Exception {
        CommandOutcome outcome = runner(1024).run("sleep 30", Map.of(), temporary, Duration.ofSeconds(30),
                Deadline.after(Duration.ofMillis(500)));

        assertThat(outcome.deadlineReached()).isTrue();
        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.duration()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        assertThat(outcome.failure(Duration.ofSeconds(30))).startsWith("stopped at the deadline (the window's end) after ");
    }

    @Test
    void run_missingWorkingDirectory_isAStartError() throws Exception {
        CommandOutcome outcome = runner(1024).run("true", Map.of(), temporary.resolve("absent"), Duration.ofSeconds(5),
                Deadline.NONE);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.startError()).isNotNull();
        assertThat(outcome.failure(Duration.ofSeconds(5))).startsWith("could not start: ");
    }
}
