package dev.steward.agent.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The sample application of {@link ApplicationUpdateExecutorIT}, run in its own JVM by the test's
 * start script: an HTTP service on 127.0.0.1 answering {@code GET /health} with a fixed status
 * and its version (body and {@code X-Version} header).
 *
 * <p>Arguments: port, version, status to answer (200 for a good version, 500 for a broken one),
 * pid file. The pid file appears once the port is bound and disappears on SIGTERM after the port
 * has been released, so the stop script can wait for it instead of guessing. It exits by itself
 * after 5 minutes.
 */
public final class SampleApp {

    private SampleApp() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String version = args[1];
        int status = Integer.parseInt(args[2]);
        Path pidFile = Path.of(args[3]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/health", exchange -> {
            byte[] body = ("version " + version + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Version", version);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        // A failed test must not leave the application running for long: it ends itself after 5 minutes.
        Thread.ofPlatform().daemon().name("sample-app-lifetime").start(() -> {
            try {
                Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            System.exit(0);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // the stop script times out and says so
            }
        }));
        Path temporary = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
        Files.writeString(temporary, ProcessHandle.current().pid() + "\n");
        Files.move(temporary, pidFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("sample app version " + version + " answering " + status + " on port " + port);
    }
}
