package dev.steward.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private Postfix instance, driven through {@code scripts/postfix-instance}: its own config,
 * queue, data directory and maillog under {@code <dir>}, smtpd on 127.0.0.1 only. {@link #start}
 * returns once smtpd greets; {@link #close} returns once the master has exited.
 * One-thread-at-a-time.
 */
final class PostfixInstance implements AutoCloseable {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int smtpdPort;
    private boolean running; // false once close() ran

    private PostfixInstance(Path dir, int smtpdPort) {
        this.dir = dir;
        this.smtpdPort = smtpdPort;
        this.running = true;
    }

    /** Starts an instance whose smtpd listens on a free port and relays everything to relayhost. */
    static PostfixInstance startRelayingTo(Path dir, String relayhost) {
        int port = RelayProcess.freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of(InteropPaths.postfixInstanceScript().toString(),
                "start", dir.toString(), "--smtpd-port", Integer.toString(port), "--relayhost", relayhost));
        CommandRun.Result result = CommandRun.run(command, dir.getParent(), dir.getFileName() + "-start",
                SCRIPT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("the private Postfix instance did not start\n" + result.describe());
        }
        return new PostfixInstance(dir, port);
    }

    int smtpdPort() {
        return smtpdPort;
    }

    Path maillog() {
        return dir.resolve("maillog");
    }

    String maillogText() {
        try {
            return Files.exists(maillog()) ? new String(Files.readAllBytes(maillog()), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first maillog line matching {@code pattern}, waiting up to {@code timeout} for it. */
    Optional<String> awaitMaillogLine(Pattern pattern, Duration timeout) {
        return FileWait.until(dir, timeout, () -> maillogText().lines().filter(l -> pattern.matcher(l).find())
                .findFirst());
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        CommandRun.Result result = CommandRun.run(
                List.of(InteropPaths.postfixInstanceScript().toString(), "stop", dir.toString()),
                dir.getParent(), dir.getFileName() + "-stop", SCRIPT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("the private Postfix instance did not stop cleanly\n" + result.describe());
        }
    }
}
