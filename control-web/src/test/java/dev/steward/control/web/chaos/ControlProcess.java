package dev.steward.control.web.chaos;

import dev.steward.control.web.ControlMain;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One control-plane instance as a real process: a child JVM running {@link ControlMain}
 * ({@code steward control --config FILE}) on the test's class path, on a fixed loopback port, so
 * that {@link #kill9()} is a real SIGKILL and {@link #start()} after it a real restart on the same
 * address. Its output (stdout and stderr) is appended to a log file under {@code target/chaos/}.
 *
 * <p>Thread safety: not thread-safe; one thread drives it.
 */
final class ControlProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path config;
    private final int port;
    private final Path logFile;
    private Process process; // between start and kill/close
    private int starts;

    ControlProcess(String name, Path config, int port, Path logFile) {
        this.name = name;
        this.config = config;
        this.port = port;
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** How often it was started. */
    int starts() {
        return starts;
    }

    /**
     * Starts the JVM and waits (bounded) until {@code /healthz} answers 200.
     *
     * @return milliseconds from the start to the first healthy answer
     */
    long start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        long begin = System.nanoTime();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsteward.instance=" + name,
                // The control plane's own logging (INFO, one line per event), not a test jar's logback-test.xml.
                "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
                ControlMain.class.getName(), "--config", config.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        starts++;
        Files.createDirectories(logFile.getParent());
        Process current = process;
        Thread.ofVirtual().name("log-" + name).start(() -> copyLog(current));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!current.isAlive()) {
                throw new IllegalStateException(name + " exited with " + current.exitValue() + " at start; see " + logFile);
            }
            if (healthy()) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            }
            pause(100);
        }
        throw new IllegalStateException(name + " not healthy within 90 s; see " + logFile);
    }

    /** Whether {@code GET /healthz} answers 200 now. */
    boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(base().resolve("/healthz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, then waits (bounded) for the process to be gone. */
    void kill9() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
        appendLine("---- chaos: kill -9 (exit " + process.exitValue() + ")");
        process = null;
    }

    /** How many lines of its log (all its runs) contain {@code text}. */
    long logLines(String text) throws IOException {
        if (!Files.exists(logFile)) {
            return 0;
        }
        try (var lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }

    private void copyLog(Process source) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            // the process died: its pipe is gone
        }
    }

    private synchronized void appendLine(String line) {
        try {
            Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bounded pause between two looks at a condition (the process gives no event to wait on). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM (a clean stop), SIGKILL if it takes more than 20 s. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }
}
