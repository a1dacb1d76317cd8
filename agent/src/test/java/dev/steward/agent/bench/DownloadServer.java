package dev.steward.agent.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server (the JDK's com.sun.net.httpserver) standing in for the control plane's
 * download endpoint: {@code GET /mib/N} sends N MiB of zeros, {@code /stall} sends its headers and
 * 1 KiB and then nothing until the server closes, anything else is 404.
 */
final class DownloadServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);

    DownloadServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/mib/", exchange -> {
            long mib = Long.parseLong(exchange.getRequestURI().getPath().substring("/mib/".length()));
            exchange.sendResponseHeaders(200, mib << 20);
            byte[] chunk = new byte[1 << 20];
            try (OutputStream body = exchange.getResponseBody()) {
                for (long i = 0; i < mib; i++) {
                    body.write(chunk);
                }
            }
        });
        server.createContext("/stall", exchange -> {
            exchange.sendResponseHeaders(200, 1 << 20);
            OutputStream body = exchange.getResponseBody();
            body.write(new byte[1024]);
            body.flush();
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}. */
    String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
