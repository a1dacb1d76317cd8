package dev.steward.relay.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "MX" the relay under test sees (its {@code mx_port_override}): a TCP forwarder on
 * {@code 127.0.0.1} that passes each new connection to the current {@link #target} — a faulty
 * receiver first, a healthy one once the fault has been observed — and can itself reset a
 * connection in the middle of DATA ({@link #resetMidData}): after the client's {@code DATA}
 * command it forwards 64 octets of the content, then closes both sockets with SO_LINGER 0 (an RST).
 *
 * <p>Thread safety: thread-safe; one virtual thread accepts, two pump each connection.
 */
final class ReceiverSwitch implements AutoCloseable {

    private final ServerSocket listener;
    private volatile InetSocketAddress target;
    private volatile boolean resetMidData;
    private final AtomicInteger resets = new AtomicInteger();

    ReceiverSwitch(InetSocketAddress target) throws IOException {
        this.target = target;
        listener = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread.ofVirtual().name("receiver-switch").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    void target(InetSocketAddress next) {
        this.target = next;
    }

    void resetMidData(boolean on) {
        this.resetMidData = on;
    }

    /** Connections reset in the middle of DATA so far. */
    int resets() {
        return resets.get();
    }

    private void accept() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            boolean reset = resetMidData;
            InetSocketAddress to = target;
            Thread.ofVirtual().start(() -> forward(client, to, reset));
        }
    }

    private void forward(Socket client, InetSocketAddress to, boolean reset) {
        try (client; Socket server = new Socket()) {
            server.connect(to, 5000);
            Thread back = Thread.ofVirtual().start(() -> pump(server, client));
            pumpClientToServer(client, server, reset);
            back.join();
        } catch (IOException | InterruptedException ended) {
            // one side went away: the other follows through try-with-resources
        }
    }

    private void pumpClientToServer(Socket client, Socket server, boolean reset) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = server.getOutputStream();
        byte[] buffer = new byte[8192];
        StringBuilder commands = new StringBuilder();   // the client's text, while looking for DATA
        boolean inData = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (reset && inData) {
                out.write(buffer, 0, Math.min(64, n));
                out.flush();
                resets.incrementAndGet();
                client.setSoLinger(true, 0);
                server.setSoLinger(true, 0);
                client.close();
                server.close();
                return;
            }
            out.write(buffer, 0, n);
            out.flush();
            if (reset) {
                commands.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT));
                inData = commands.toString().contains("\nDATA\r\n") || commands.toString().startsWith("DATA\r\n");
            }
        }
        server.shutdownOutput();
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ended) {
            // the connection ended
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
