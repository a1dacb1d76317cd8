package dev.steward.relay.chaos;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay as a real child process for the chaos tests: {@code StewardCli relay --config FILE
 * --allow-test-overrides}, the same entry point as {@code bin/steward relay}, started from the test
 * class path with the launcher's small-heap options. Its log (stdout and stderr) is kept in memory
 * for assertions and copied line by line to a file under {@code target/chaos/}, the evidence of a
 * run. {@link #kill9()} is a real SIGKILL.
 *
 * <p>Thread safety: thread-safe.
 */
final class ChaosRelay implements AutoCloseable {

    private static final Pattern LISTEN = Pattern.compile("relay_started listen=([0-9.]+):(\\d+)");

    private final Process process;
    private final InetSocketAddress address;
    private final List<String> log;   // guarded by itself

    private ChaosRelay(Process process, InetSocketAddress address, List<String> log) {
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /** Starts the relay and waits on its log (not a timer) until it accepts connections; at most 60 s. */
    static ChaosRelay start(Path config, Path logFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.steward.relay.app.StewardCli", "relay", "--config", config.toString(), "--allow-test-overrides");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Files.createDirectories(logFile.getParent());
        BufferedWriter file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        List<String> log = new ArrayList<>();
        CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().name("chaos-relay-log-" + process.pid()).start(() -> {
            try (file) {
                String line;
                while ((line = output.readLine()) != null) {
                    synchronized (log) {
                        log.add(line);
                        log.notifyAll();
                    }
                    file.write(line);
                    file.newLine();
                    Matcher matcher = LISTEN.matcher(line);
                    if (matcher.find()) {
                        started.complete(new InetSocketAddress(matcher.group(1), Integer.parseInt(matcher.group(2))));
                        file.flush();
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            started.completeExceptionally(new IOException("relay exited before listening; log in " + logFile));
        });
        try {
            return new ChaosRelay(process, started.get(60, TimeUnit.SECONDS), log);
        } catch (Exception failure) {
            process.destroyForcibly();
            throw new IOException("relay did not start: " + failure.getMessage() + "; log in " + logFile, failure);
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /** A copy of the log so far. */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Log lines that match, so far. */
    List<String> lines(Predicate<String> filter) {
        return log().stream().filter(filter).toList();
    }

    /** Waits until a log line matches; the line, or an {@link AssertionError} after {@code timeout}. */
    String awaitLine(Predicate<String> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (true) {
                for (String line : log) {
                    if (filter.test(line)) {
                        return line;
                    }
                }
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    throw new AssertionError("no such log line within " + timeout + "; last lines:\n"
                            + String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size())));
                }
                log.wait(remaining);
            }
        }
    }

    /** SIGKILL, then wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the relay survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (a clean stop), SIGKILL after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill9();
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
