package dev.steward.agent.os;

import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one external command with a deadline, in a process group of its own, and keeps the last
 * lines of its output (stdout and stderr merged; standard input is {@code /dev/null}).
 *
 * <p>The command is started through {@code setsid} (util-linux, Essential on Debian), so the
 * started process leads a new session and process group whose id is its pid: apt-get, the dpkg it
 * starts and every maintainer script share it. When the deadline arrives the whole group gets
 * SIGTERM, and SIGKILL after the grace period if anything of it is still alive. Java cannot signal
 * a process group, so the signals go through {@code /bin/sh -c 'kill -s SIG -- -PGID'} (dash's
 * built-in kill; dash is Essential too). A command that does not exist is reported as exit code
 * 127 with the launcher's message, like a shell would.
 *
 * <p>Output is read on a virtual thread and bounded: only the last {@code keepLines} lines (each cut
 * at 1,000 characters) are kept, however much the command prints.
 *
 * <p>Thread safety: stateless apart from the clock; each {@link #run} is independent.
 */
public final class CommandRunner {

    private static final int MAX_LINE = 1_000;

    private final Clock clock;

    /** A runner that measures time with {@code clock}. */
    public CommandRunner(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What one command did.
     *
     * @param command the command line as run (without the {@code setsid} prefix)
     * @param exitCode the exit code, 128 + signal number when a signal ended it (as a shell reports
     *     it), or -1 when it had to be killed at the deadline
     * @param deadlineReached whether the deadline arrived before the command ended, so it was killed
     * @param outputTail the last lines of the output, oldest first
     * @param outputLines how many lines the command printed in all
     * @param elapsed from start to end (or to the kill)
     */
    public record Outcome(List<String> command, int exitCode, boolean deadlineReached, List<String> outputTail,
            long outputLines, Duration elapsed) {

        public Outcome {
            command = List.copyOf(command);
            outputTail = List.copyOf(outputTail);
        }

        /** Ended by itself with exit code 0. */
        public boolean succeeded() {
            return exitCode == 0 && !deadlineReached;
        }

        /** The last {@code lines} lines of the output, joined with newlines. */
        public String tail(int lines) {
            return String.join("\n", outputTail.subList(Math.max(0, outputTail.size() - lines), outputTail.size()));
        }

        /** One line for an error message: the command, how it ended and its last output line. */
        public String describe() {
            String how = deadlineReached ? "killed at the deadline" : "exit code " + exitCode;
            String last = outputTail.isEmpty() ? "" : ": " + outputTail.get(outputTail.size() - 1);
            return String.join(" ", command) + " (" + how + ")" + last;
        }
    }

    /**
     * Runs {@code command} until it ends or {@code deadline} arrives.
     *
     * @param environment added to (and overriding) the agent's own environment
     * @param killGrace how long after SIGTERM the group gets SIGKILL
     * @param keepLines how many output lines to keep
     */
    public Outcome run(List<String> command, Map<String, String> environment, Instant deadline, Duration killGrace,
            int keepLines) {
        return run(command, environment, deadline, killGrace, keepLines, line -> { });
    }

    /**
     * Like {@link #run(List, Map, Instant, Duration, int)}, and shows every output line to
     * {@code observer} as it is read (on the reader thread), for parsers that need more than the tail.
     */
    public Outcome run(List<String> command, Map<String, String> environment, Instant deadline, Duration killGrace,
            int keepLines, Consumer<String> observer) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Instant start = clock.instant();
        List<String> argv = new ArrayList<>(command.size() + 1);
        argv.add("setsid");
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Outcome(command, 127, false, List.of("cannot start setsid " + command.get(0) + ": " + e.getMessage()),
                    1, Duration.between(start, clock.instant()));
        }
        Tail tail = new Tail(keepLines, observer);
        Thread reader = Thread.ofVirtual().name("output-" + command.get(0)).start(() -> tail.read(process));
        boolean deadlineReached = false;
        try {
            if (!process.waitFor(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
                deadlineReached = true;
                signalGroup(process.pid(), "TERM");
                if (!process.waitFor(Math.max(1, killGrace.toMillis()), TimeUnit.MILLISECONDS)) {
                    signalGroup(process.pid(), "KILL");
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                } else {
                    // The leader is gone; anything it left behind in the group gets the KILL too.
                    signalGroup(process.pid(), "KILL");
                }
            }
            // A child that escaped the group could keep the pipe open: wait for the reader, bounded.
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            signalGroup(process.pid(), "KILL");
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
        int exitCode = deadlineReached ? -1 : process.exitValue();
        return new Outcome(command, exitCode, deadlineReached, tail.lines(), tail.count(),
                Duration.between(start, clock.instant()));
    }

    private long millisUntil(Instant deadline) {
        return Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    }

    /** Sends {@code signal} to the process group {@code pgid}; a group already gone is fine. */
    private static void signalGroup(long pgid, String signal) {
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- -" + pgid + " 2>/dev/null")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run /bin/sh to signal process group " + pgid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of a stream, bounded in count and length. */
    private static final class Tail {
        private final int keep;
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private final Consumer<String> observer;
        private long count;

        Tail(int keep, Consumer<String> observer) {
            this.keep = Math.max(1, keep);
            this.observer = observer;
        }

        /** Reads lines of at most {@value #MAX_LINE} characters; the rest of a longer line is dropped. */
        void read(Process process) {
            try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                char[] buffer = new char[8192];
                StringBuilder line = new StringBuilder();
                boolean cut = false;
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    for (int i = 0; i < read; i++) {
                        char c = buffer[i];
                        if (c == '\n') {
                            emit(line, cut);
                            line.setLength(0);
                            cut = false;
                        } else if (line.length() < MAX_LINE) {
                            line.append(c);
                        } else {
                            cut = true;
                        }
                    }
                }
                if (!line.isEmpty()) {
                    emit(line, cut);
                }
            } catch (IOException e) {
                add("(output unreadable: " + e.getMessage() + ")");
            }
        }

        private void emit(StringBuilder line, boolean cut) {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
                end--;
            }
            String text = line.substring(0, end) + (cut ? "…" : "");
            add(text);
            observer.accept(text);
        }

        private synchronized void add(String line) {
            if (lines.size() == keep) {
                lines.removeFirst();
            }
            lines.addLast(line);
            count++;
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized long count() {
            return count;
        }
    }
}
