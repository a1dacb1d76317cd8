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
import java.util.stream.Stream;

/**
 * A private Postfix instance, driven through {@code scripts/postfix-instance}: its own config,
 * queue, data directory and maillog under {@code <dir>}, smtpd on 127.0.0.1 only. {@link #start}
 * returns once smtpd greets; {@link #close} returns once the master has exited. In receiving mode
 * it is a final destination that delivers into maildirs under {@code <dir>/mail}.
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
        return start(dir, RelayProcess.freeLoopbackPort(), List.of("--relayhost", relayhost));
    }

    /**
     * Starts an instance in {@code dir} whose smtpd listens on 127.0.0.1:{@code smtpdPort}, with
     * more {@code scripts/postfix-instance start} options (receiving mode: {@code --mailbox},
     * {@code --tls-cert}, ...). Starting again in the same directory after {@link #close} keeps the
     * queue, the maildirs and the maillog: a "reconfigured" server.
     */
    static PostfixInstance start(Path dir, int smtpdPort, List<String> options) {
        List<String> command = new ArrayList<>(List.of(InteropPaths.postfixInstanceScript().toString(),
                "start", dir.toString(), "--smtpd-port", Integer.toString(smtpdPort)));
        command.addAll(options);
        CommandRun.Result result = CommandRun.run(command, dir.getParent(), dir.getFileName() + "-start",
                SCRIPT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("the private Postfix instance did not start\n" + result.describe());
        }
        return new PostfixInstance(dir, smtpdPort);
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

    /** Every maillog line matching {@code pattern}, now. */
    List<String> maillogLines(Pattern pattern) {
        return maillogText().lines().filter(l -> pattern.matcher(l).find()).toList();
    }

    /** How many lines the maillog has now: a mark for a test that shares the instance. */
    int maillogMark() {
        return (int) maillogText().lines().count();
    }

    /** The maillog lines after {@code mark} that match {@code pattern}. */
    List<String> maillogLinesSince(int mark, Pattern pattern) {
        return maillogText().lines().skip(mark).filter(l -> pattern.matcher(l).find()).toList();
    }

    /** The first maillog line after {@code mark} matching {@code pattern}, waiting up to {@code timeout}. */
    Optional<String> awaitMaillogLineSince(int mark, Pattern pattern, Duration timeout) {
        return FileWait.until(dir, timeout, () -> maillogLinesSince(mark, pattern).stream().findFirst());
    }

    /** The {@code new/} directory of the maildir that {@code --mailbox address} delivers to. */
    Path maildirNew(String address) {
        return dir.resolve("mail").resolve(address).resolve("new");
    }

    /** The messages delivered to {@code --mailbox address} so far, oldest first (maildir names sort by time). */
    List<Path> messages(String address) {
        Path inbox = maildirNew(address);
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits up to {@code timeout} until {@code address} has {@code count} messages and returns
     * them (oldest first), or empty. virtual(8) writes into {@code tmp/} and renames into
     * {@code new/}, so a file seen here is complete.
     */
    Optional<List<Path>> awaitMessages(String address, int count, Duration timeout) {
        // The maildir appears on first delivery; watch the instance directory until it does.
        return FileWait.until(Files.isDirectory(maildirNew(address)) ? maildirNew(address) : dir, timeout, () -> {
            List<Path> now = messages(address);
            return now.size() >= count ? Optional.of(now) : Optional.empty();
        });
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
