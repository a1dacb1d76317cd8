package dev.steward.relay.admin;

import dev.steward.common.text.LogLine;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueOperations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's local admin channel: a UNIX domain socket ({@code <queue>/admin.sock}, mode 0600 in
 * the 0700 queue directory, so only the relay's user and root can talk to it) that
 * {@code bin/steward queue ...} uses while the relay runs (Postfix's {@code public/showq} and
 * {@code qmgr} FIFO, with the same trust model: file permissions).
 *
 * <p>Protocol: one request line per connection ({@code list}, {@code show ID}, {@code flush},
 * {@code flush ID}, {@code delete ID}, {@code delete ALL}, {@code hold ID}, {@code release ID}, {@code dkim-reload},
 * {@code metrics});
 * the answer is a
 * status line ({@code ok} or {@code error <text>}) followed by the payload ({@code list}: the
 * {@code mailq --json} array; {@code show}: the {@code mailq} entry, a blank line, the message;
 * {@code dkim-reload}: one line saying which selectors now sign; {@code metrics}: the text of
 * {@code GET /metrics}, for the agent's heartbeat when the relay runs in a unit of its own).
 * Every change is logged with its verb and queue id.
 *
 * <p>Thread safety: {@code start}/{@code close} one-thread-at-a-time; one virtual thread per
 * connection.
 */
public final class AdminServer implements AutoCloseable {

    public static final String SOCKET = "admin.sock";
    /** The argument of {@code delete} that means every queued message (Postfix: postsuper -d ALL). */
    public static final String ALL = "ALL";
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST = 256;

    private final Path path;
    private final QueueOperations operations;
    private final DkimReload dkimReload;
    private final Supplier<String> metrics;
    private ServerSocketChannel server; // bound between start and close
    private Thread acceptor; // accepts between start and close

    /**
     * Re-reads the DKIM keys from the relay's configuration file and signs with them from the next
     * message on (the last step of {@code steward dkim rotate}).
     */
    @FunctionalInterface
    public interface DkimReload {
        /**
         * @return one line for the operator, such as {@code "signing with nexx-20261128"}
         * @throws IllegalStateException saying why nothing changed (the file is invalid, signing
         *     would be turned off, ...); the old keys stay in use
         */
        String reload();
    }

    /**
     * @param metrics the Prometheus text of the relay's metrics now (the {@code metrics} request)
     */
    public AdminServer(Path queueDirectory, QueueOperations operations, DkimReload dkimReload, Supplier<String> metrics) {
        this.path = queueDirectory.resolve(SOCKET);
        this.operations = operations;
        this.dkimReload = dkimReload;
        this.metrics = metrics;
    }

    /**
     * Sends one request line to the admin socket at {@code socket} and returns the whole answer
     * (the client side of this protocol, for the CLI commands).
     *
     * @throws IOException when nothing listens there (a relay that is not running)
     */
    public static String request(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream request = Channels.newOutputStream(channel);
            request.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            request.flush();
            channel.shutdownOutput();
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public void start() throws IOException {
        Files.deleteIfExists(path); // left by a relay that was killed; the queue lock says we own it
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = Thread.ofVirtual().name("admin-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread.ofVirtual().name("admin").start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection;
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                        StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(connection)) {
            String request = in.readLine();
            byte[] answer = answer(request);
            out.write(answer);
        } catch (IOException | RuntimeException e) {
            LOG.warn(LogLine.of("admin_request_failed").field("error", e.toString()).toString());
        }
    }

    private byte[] answer(String request) {
        if (request == null || request.length() > MAX_REQUEST) {
            return error("no request, or a request longer than " + MAX_REQUEST + " characters");
        }
        String[] words = request.trim().split(" +");
        String verb = words[0];
        try {
            boolean all = verb.equals("delete") && words.length == 2 && words[1].equals(ALL);
            Optional<QueueId> id = words.length > 1 && !all ? Optional.of(QueueId.parse(words[1])) : Optional.empty();
            if (words.length > 2) {
                return error("too many arguments");
            }
            return switch (verb) {
                case "list" -> ok(new MailqFormatter(ZoneId.systemDefault()).renderJson(operations.list()) + "\n");
                case "show" -> operations.show(required(id, verb))
                        .map(shown -> concat(("ok\n" + new MailqFormatter(ZoneId.systemDefault())
                                .render(java.util.List.of(shown.entry())) + "\n").getBytes(StandardCharsets.UTF_8), shown.content()))
                        .orElseGet(() -> error("no such message: " + id.get()));
                case "flush" -> change(verb, id, operations.flush(id));
                case "delete" -> all ? deletedAll(operations.deleteAll()) : change(verb, id, operations.delete(required(id, verb)));
                case "hold" -> change(verb, id, operations.hold(required(id, verb)));
                case "release" -> change(verb, id, operations.release(required(id, verb)));
                case "dkim-reload" -> reloadDkim();
                case "metrics" -> ok(metrics.get());
                default -> error("unknown request \"" + verb
                        + "\"; known: list, show, flush, delete, hold, release, dkim-reload, metrics");
            };
        } catch (IllegalArgumentException badId) {
            return error(badId.getMessage());
        } catch (IOException e) {
            return error("queue error: " + e.getMessage());
        }
    }

    private static byte[] deletedAll(int deleted) {
        LOG.info(LogLine.of("queue_admin").field("action", "delete").field("queue_id", ALL).field("result", "ok")
                .field("deleted", deleted).toString());
        return ok(deleted + " deleted\n");
    }

    private byte[] reloadDkim() {
        try {
            String result = dkimReload.reload();
            LOG.info(LogLine.of("dkim_reloaded").field("result", result).toString());
            return ok(result + "\n");
        } catch (IllegalStateException refused) {
            LOG.warn(LogLine.of("dkim_reload_refused").field("reason", refused.getMessage()).toString());
            return error(refused.getMessage());
        }
    }

    private static QueueId required(Optional<QueueId> id, String verb) {
        return id.orElseThrow(() -> new IllegalArgumentException(verb + " needs a queue id"));
    }

    private static byte[] change(String verb, Optional<QueueId> id, boolean done) {
        LOG.info(LogLine.of("queue_admin").field("action", verb).field("queue_id", id.map(QueueId::value).orElse("ALL"))
                .field("result", done ? "ok" : "not_found").toString());
        return done ? ok("") : error(id.isPresent() ? "no such message (or not in a state that allows " + verb + "): "
                + id.get().value() : "nothing to " + verb);
    }

    private static byte[] ok(String payload) {
        return ("ok\n" + payload).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] error(String text) {
        return ("error " + text.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn(LogLine.of("admin_close_failed").field("error", e.toString()).toString());
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
