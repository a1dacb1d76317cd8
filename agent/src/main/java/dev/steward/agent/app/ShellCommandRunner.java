package dev.steward.agent.app;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs one recipe command the same way every time:
 * <ul>
 *   <li>{@code /usr/bin/setsid --wait /bin/sh -c COMMAND}: the shell leads a new session and process
 *       group, so on a timeout the whole group (the shell and everything it started that stayed
 *       in the group) gets SIGTERM, then SIGKILL after {@link #KILL_GRACE};</li>
 *   <li>a clean environment: only {@code PATH} ({@value #PATH}), {@code LANG=C.UTF-8},
 *       {@code HOME} (the agent's, or {@code /}) and the {@code STEWARD_*} variables the caller
 *       passes; nothing else of the agent's environment leaks into the application's scripts;</li>
 *   <li>stdin is empty; stdout and stderr go together into a private temporary file, not a pipe,
 *       so a daemon the command leaves running can never block the agent by holding a pipe open;
 *       the last {@code tailBytes} are kept for the report and the file is deleted;</li>
 *   <li>bounded by the step's timeout and by the job's {@link Deadline}, whichever comes first.</li>
 * </ul>
 * A command that leaves a process running on purpose (an update script starting the new version)
 * is not killed after a normal exit; it should redirect that process's output itself.
 *
 * <p>Thread safety: thread-safe (no mutable state).
 */
final class ShellCommandRunner {

    /** The fixed search path of every command. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final Path SETSID = Path.of("/usr/bin/setsid");
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Path scratchDirectory;
    private final int tailBytes;
    private final Duration killGrace;

    /**
     * @param scratchDirectory where the output files live while a command runs
     * @param tailBytes        how many bytes of output each report keeps (the last ones)
     * @param killGrace        between SIGTERM and SIGKILL ({@link #KILL_GRACE} outside tests)
     */
    ShellCommandRunner(Path scratchDirectory, int tailBytes, Duration killGrace) {
        if (tailBytes < 256) {
            throw new IllegalArgumentException("tailBytes too small: " + tailBytes);
        }
        this.scratchDirectory = scratchDirectory;
        this.tailBytes = tailBytes;
        this.killGrace = killGrace;
    }

    /** The environment a command sees: the fixed variables plus {@code extra}. */
    static Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> environment = new TreeMap<>();
        environment.put("PATH", PATH);
        environment.put("LANG", "C.UTF-8");
        String home = System.getenv("HOME");
        environment.put("HOME", home == null || home.isBlank() ? "/" : home);
        environment.putAll(extra);
        return environment;
    }

    /**
     * Runs {@code command} and waits for it, at most {@code timeout} and never past {@code deadline}.
     *
     * @throws InterruptedException after killing the command's process group
     */
    CommandOutcome run(String command, Map<String, String> extraEnvironment, Path workingDirectory, Duration timeout,
                       Deadline deadline) throws InterruptedException {
        long start = System.nanoTime();
        Path output;
        try {
            Files.createDirectories(scratchDirectory);
            output = Files.createTempFile(scratchDirectory, "command-", ".out");
        } catch (IOException e) {
            return new CommandOutcome(null, false, false, Duration.ZERO, "", 0,
                    "cannot create the output file in " + scratchDirectory + ": " + e.getMessage());
        }
        try {
            if (!Files.isExecutable(SETSID)) {
                return new CommandOutcome(null, false, false, Duration.ZERO, "", 0,
                        SETSID + " is missing (Debian package util-linux: apt-get install util-linux)");
            }
            ProcessBuilder builder = new ProcessBuilder(List.of(SETSID.toString(), "--wait", "/bin/sh", "-c", command))
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment(extraEnvironment));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return new CommandOutcome(null, false, false, Durations.sinceNanos(start, System.nanoTime()), "", 0,
                        e.getMessage());
            }
            Duration untilDeadline = deadline.remaining();
            boolean deadlineFirst = untilDeadline != null && untilDeadline.compareTo(timeout) < 0;
            Duration limit = deadlineFirst ? untilDeadline : timeout;
            boolean exited;
            try {
                exited = process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException interrupted) {
                killGroup(process);
                throw interrupted;
            }
            if (!exited) {
                killGroup(process);
            }
            long end = System.nanoTime();
            Tail tail = tail(output, tailBytes);
            return new CommandOutcome(exited ? process.exitValue() : null, !exited && !deadlineFirst,
                    !exited && deadlineFirst, Durations.sinceNanos(start, end), tail.text(), tail.totalBytes(), null);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // XXX a file left behind is small (a failed command's output) and nothing sweeps the
                // scratch directory; deletion failing means that directory is broken anyway.
            }
        }
    }

    /**
     * SIGTERM to the command's process group, SIGKILL after the grace period. The group is the
     * shell's, which {@code setsid} made a new one; it is read from {@code /proc} rather than
     * assumed (should {@code setsid} ever have forked, the shell is its child), and the agent's own
     * group is never signalled.
     */
    private void killGroup(Process process) throws InterruptedException {
        List<ProcessHandle> members = new ArrayList<>(process.descendants().toList()); // before they reparent
        Set<Long> groups = new TreeSet<>();
        processGroup(process.pid()).ifPresent(groups::add);
        members.forEach(member -> processGroup(member.pid()).ifPresent(groups::add));
        processGroup(ProcessHandle.current().pid()).ifPresent(groups::remove);
        groups.forEach(group -> signalGroup(group, "TERM"));
        process.destroy(); // in case the shell was not in a group of its own
        long graceEnd = System.nanoTime() + killGrace.toNanos();
        boolean shellGone = process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS);
        if (!shellGone || !awaitGone(members, graceEnd)) {
            groups.forEach(group -> signalGroup(group, "KILL"));
            members.forEach(ProcessHandle::destroyForcibly); // in case one left the group
            process.destroyForcibly();
            long killEnd = System.nanoTime() + killGrace.toNanos();
            process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS);
            // SIGKILL is delivered asynchronously: on return nothing of the command may run any
            // more (a test met a child still alive).
            awaitGone(members, killEnd);
        }
    }

    /**
     * Polls until none of {@code members} runs, or until {@code deadlineNanos}
     * ({@link System#nanoTime()}); whether they are all gone. Polled: the shell's children give no
     * exit event here once reparented, and they stay zombies when PID 1 does not reap (containers).
     */
    private static boolean awaitGone(List<ProcessHandle> members, long deadlineNanos) throws InterruptedException {
        while (members.stream().anyMatch(ShellCommandRunner::running)) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** The process group of a process ({@code /proc/PID/stat}, the field after state and ppid). */
    static Optional<Long> processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(fields[2]));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    private static void signalGroup(long group, String signal) {
        try {
            // dash's builtin kill signals a process group through a negative pid.
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- -\"$1\" 2>/dev/null", "sh",
                    Long.toString(group)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            // Nothing left to try for the group; the caller still destroys the processes it knows.
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt(); // the caller's next wait sees it
        }
    }

    /** Alive and not a zombie (Linux {@code /proc/PID/stat} state Z or X). */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            char state = afterName >= 0 && afterName + 2 < stat.length() ? stat.charAt(afterName + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ShellCommandRunner::running).orElse(false);
    }

    record Tail(String text, long totalBytes) {
    }

    /** The last {@code limit} bytes of the file as text, starting at a character boundary. */
    static Tail tail(Path file, int limit) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, limit);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            int from = 0;
            if (length > size) {
                while (from < size && (bytes[from] & 0xC0) == 0x80) { // skip a cut UTF-8 sequence
                    from++;
                }
            }
            String text = decode(ByteBuffer.wrap(bytes, from, size - from));
            if (length > size) {
                text = "[" + (length - size + from) + " earlier bytes not kept]\n" + text;
            }
            return new Tail(text, length);
        } catch (IOException e) {
            return new Tail("[output unreadable: " + e.getMessage() + "]", 0);
        }
    }

    private static String decode(ByteBuffer bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
