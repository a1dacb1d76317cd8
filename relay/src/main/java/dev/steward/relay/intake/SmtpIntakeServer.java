package dev.steward.relay.intake;

import dev.steward.common.text.LogLine;
import dev.steward.relay.policy.SenderPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener applications talk to (Postfix smtpd for a null client).
 *
 * <p><b>Threads.</b> One platform thread accepts on each listen socket; each connection runs its
 * {@link IntakeSession} on a platform thread from a pool that keeps idle threads for 30 s. At most
 * {@code max_connections} sessions run at once (so at most that many session threads exist): a
 * connection beyond that gets {@code 421 4.7.0} and is closed at once, so an overload never
 * queues unbounded work.
 *
 * <p>Why platform threads, not virtual ones: a session is a short blocking dialogue on a loopback
 * socket. A virtual thread that blocks on a read parks, registers the socket with the JDK's poller,
 * and is woken by the poller thread and handed to a carrier thread: two extra thread switches and
 * an {@code epoll_ctl} for every read. A platform thread is woken by the kernel directly. With at
 * most {@code max_connections} (100) sessions the threads cost little memory (256 KiB stacks, of
 * which a few pages are touched), and the intake uses measurably less CPU per message
 * (docs/performance-notes.md).
 *
 * <p><b>Lifecycle.</b> {@link #start()} binds every address or fails before any socket is left open
 * (a bind error is a startup error); {@link #stop(Duration)} closes the listeners, waits for
 * running sessions up to the grace period, then closes their sockets and waits for their threads.
 *
 * <p>Thread safety: {@code start} and {@code stop} are one-thread-at-a-time; the rest is internal.
 */
public final class SmtpIntakeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpIntakeServer.class);

    /** Content beyond this spills to a file; the header section must fit (Postfix: header_size_limit 100 KiB). */
    public static final int SPOOL_MEMORY_LIMIT = 128 * 1024;

    private final IntakeConfig config;
    private final String hostname;
    private final SessionHandler handler;
    private final Semaphore connectionSlots;
    private final BooleanSupplier stressed;         // 4/5 of the slots or more in use
    private final AtomicBoolean stressLogged = new AtomicBoolean();
    private final List<ServerSocket> listeners = new ArrayList<>();   // bound by start()
    private final List<Thread> acceptors = new ArrayList<>();         // one per listener
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet(); // sessions in progress
    private final ExecutorService sessionPool;                        // platform threads, bounded by connectionSlots
    private final AtomicLong sessionCounter = new AtomicLong();       // for session ids
    private volatile boolean started;                                  // start() called
    private volatile boolean stopping;                                 // stop() called

    /** Runs one accepted connection. */
    @FunctionalInterface
    public interface SessionHandler {
        void handle(Socket socket, String sessionId);
    }

    /**
     * @param spillDirectory where sessions spill message content beyond 128 KiB (the queue's tmp/)
     * @param sink           takes complete messages; answers 250 only when they are durable
     */
    public SmtpIntakeServer(IntakeConfig config, String hostname, Path spillDirectory, MessageSink sink) {
        this.config = config;
        this.hostname = hostname;
        ClientAccess access = new ClientAccess(config.allowedClients());
        SessionLimits limits = SessionLimits.of(config);
        SenderPolicy policy = new SenderPolicy(config.appDomains());
        this.connectionSlots = new Semaphore(config.maxConnections());
        int stressFreeSlots = config.maxConnections() - config.stressThreshold();
        this.stressed = () -> connectionSlots.availablePermits() <= stressFreeSlots;
        this.handler = (socket, id) -> new IntakeSession(socket, id, hostname, access, policy, limits,
                new SpoolBuffer(SPOOL_MEMORY_LIMIT, spillDirectory), sink, stressed).run();
        AtomicLong threads = new AtomicLong();
        // No queue: a session starts on an idle thread or a new one; connectionSlots bounds how many.
        this.sessionPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> Thread.ofPlatform().daemon().stackSize(SESSION_STACK).name("intake-session-" + threads.incrementAndGet())
                        .unstarted(task));
    }

    /** Enough for the session's parsing (no deep recursion); the default 512 KiB would only reserve more. */
    private static final long SESSION_STACK = 256 * 1024;

    /** Binds all listen addresses and starts accepting. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("intake already started");
        }
        started = true;
        try {
            for (InetSocketAddress address : config.listen()) {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                try {
                    server.bind(address, 256);
                } catch (IOException bindFailure) {
                    server.close();
                    throw new IOException("cannot listen on " + HostPort.format(address) + ": " + bindFailure.getMessage(), bindFailure);
                }
                listeners.add(server);
            }
        } catch (IOException failure) {
            closeListeners();
            throw failure;
        }
        for (ServerSocket server : listeners) {
            acceptors.add(Thread.ofPlatform().daemon().name("intake-accept-" + server.getLocalPort())
                    .start(() -> acceptLoop(server)));
        }
    }

    /** The bound addresses, with the real port when the config said port 0. */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
    }

    private void acceptLoop(ServerSocket server) {
        try {
            acceptUntilStopped(server);
        } catch (RuntimeException | Error fatal) {
            // A relay that no longer accepts must say so loudly: nothing else would show it. (Seen
            // with an unsupported -Djdk.pollerMode: the JDK's poller failed to initialise.)
            log.error(LogLine.of("intake_accept_stopped").field("listen", HostPort.format(
                    (InetSocketAddress) server.getLocalSocketAddress())).field("error", fatal.toString()).toString(), fatal);
            throw fatal;
        }
    }

    private void acceptUntilStopped(ServerSocket server) {
        while (!stopping) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException acceptFailure) {
                if (!stopping) {
                    log.error("accept failed on {}: {}", server.getLocalSocketAddress(), acceptFailure.toString());
                }
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            String sessionId = Long.toString(sessionCounter.incrementAndGet(), 36).toUpperCase(java.util.Locale.ROOT);
            if (!connectionSlots.tryAcquire()) {
                refuseOverload(socket, sessionId);
                continue;
            }
            openSockets.add(socket);
            logStressChange();
            try {
                sessionPool.execute(() -> {
                    try {
                        handler.handle(socket, sessionId);
                    } finally {
                        openSockets.remove(socket);
                        connectionSlots.release();
                        logStressChange();
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                openSockets.remove(socket);
                connectionSlots.release();
                closeQuietly(socket);
            }
        }
    }

    /** One log line when the intake comes under stress (shorter command deadlines) and one when it ends. */
    private void logStressChange() {
        boolean now = stressed.getAsBoolean();
        if (stressLogged.compareAndSet(!now, now)) {
            LogLine line = LogLine.of(now ? "intake_stress_begin" : "intake_stress_end")
                    .field("sessions", config.maxConnections() - connectionSlots.availablePermits())
                    .field("max_connections", config.maxConnections());
            if (now) {
                log.warn(line.field("stress_command_timeout_ms", config.stressCommandTimeout().toMillis()).toString());
            } else {
                log.info(line.toString());
            }
        }
    }

    private void refuseOverload(Socket socket, String sessionId) {
        Thread.ofVirtual().start(() -> {
            try (socket) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("421 4.7.0 " + hostname + " Error: too many connections, try again later\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the client went away first; nothing to tell it
            }
            log.warn(LogLine.of("intake_reject").field("session", sessionId)
                    .field("client", HostPort.format((InetSocketAddress) socket.getRemoteSocketAddress()))
                    .field("stage", "CONNECT").field("reply", "421 4.7.0 too many connections")
                    .field("max_connections", config.maxConnections()).toString());
        });
    }

    /**
     * Stops accepting, lets sessions finish for up to {@code grace}, then closes what is left and
     * waits for the session threads. A message whose DATA was cut off is simply not acknowledged.
     */
    public synchronized void stop(Duration grace) {
        if (stopping) {
            return;
        }
        stopping = true;
        closeListeners();
        for (Thread acceptor : acceptors) {
            joinQuietly(acceptor, Duration.ofSeconds(5));
        }
        // Every session holds a slot; all slots back means no session runs.
        if (!awaitSessions(grace)) {
            for (Socket socket : List.copyOf(openSockets)) {
                closeQuietly(socket);
            }
            awaitSessions(Duration.ofSeconds(5));
        }
        sessionPool.shutdown();
    }

    /** True when every running session ended within {@code timeout}. */
    private boolean awaitSessions(Duration timeout) {
        try {
            if (connectionSlots.tryAcquire(config.maxConnections(), timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                connectionSlots.release(config.maxConnections());
                return true;
            }
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private void closeListeners() {
        for (ServerSocket server : listeners) {
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing more to do with a listener that will not close
            }
        }
    }

    private static void joinQuietly(Thread thread, Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }
}
