package dev.steward.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion with a hard time limit, output captured to files in a
 * work directory (no pipe can fill up and stall the child). Thread-safe (no state).
 */
final class CommandRun {
    private CommandRun() {}

    /** What the command did: its exit code and its output, decoded as UTF-8. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** For assertion messages: the command line and everything it printed. */
        String describe() {
            return "$ " + String.join(" ", command) + "\n[exit " + exitCode + "]\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }

    static Result run(List<String> command, Path workDir, String label, Duration timeout) {
        return run(command, workDir, label, timeout, null);
    }

    static Result run(List<String> command, Path workDir, String label, Duration timeout, Path stdin) {
        Path out = workDir.resolve(label + ".stdout");
        Path err = workDir.resolve(label + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        // Peers print UTF-8 (SMTPUTF8 tests); make Python's stdio say so whatever the locale.
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                        + "\n--- stdout so far ---\n" + read(out) + "\n--- stderr so far ---\n" + read(err));
            }
            return new Result(List.copyOf(command), process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
