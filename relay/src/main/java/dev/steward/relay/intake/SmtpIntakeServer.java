package dev.steward.relay.intake;

import dev.steward.common.io.ByteArrayPool;
import dev.steward.common.text.LogLine;
import dev.steward.relay.policy.SenderPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener applications talk to (Postfix smtpd for a null client).
 *
 * <p><b>Threads.</b> One event-loop thread ({@code intake-loop}) accepts on every listen socket and
 * runs every session's input and output: per {@code epoll_wait} it serves all the connections that
 * are ready, and a session costs no thread while it waits for its client. Each {@link IntakeSession}
 * is a non-blocking state machine. A complete message goes to the {@link MessageSink}: checked,
 * stamped and appended to the queue's journal on the loop, and answered from the journal's sync
 * thread once the group commit has made it durable ({@link MessageSink#acceptAsync}). Where the
 * sink needs a thread that may wait (DKIM signing, a message too large for the journal) it runs
 * on a commit thread (platform threads, kept idle for 30 s; at most one per session). Either way
 * the reply comes back to the loop.
 * At most {@code max_connections} sessions run at once: a connection beyond that gets
 * {@code 421 4.7.0} and is closed at once, so an overload never queues unbounded work.
 *
 * <p>Why an event loop: until session 9 each session ran on its own platform thread, which slept
 * and woke once per command (six times per message with smtp-source) plus once for the commit;
 * on a VM those context switches were the largest cost left in the intake
 * (docs/performance-notes.md). One loop thread is enough: the loop only parses and answers, about
 * 0.1 ms of CPU per message, and its writes (journal appends, a body beyond 128 KiB spilled to
 * its file) go to the page cache; every wait for the disk (fsync) is on another thread.
 *
 * <p><b>Deadlines.</b> The loop checks every session's read deadline ({@link IntakeSession#deadline})
 * each time it wakes and sleeps no longer than the nearest one, so a client that sends nothing, or
 * one byte at a time, is answered 421 4.4.2 on time without a timer per session. The scan is
 * linear in the number of sessions (at most {@code max_connections}, 100 by default).
 *
 * <p><b>Lifecycle.</b> {@link #start()} binds every address or fails before any socket is left open
 * (a bind error is a startup error); {@link #stop(Duration)} closes the listeners, waits for
 * running sessions up to the grace period, then closes their sockets and waits for their commits.
 *
 * <p>Thread safety: {@code start} and {@code stop} are one-thread-at-a-time; the rest is internal
 * to the loop thread.
 */
public final class SmtpIntakeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpIntakeServer.class);

    /** Content beyond this spills to a file; the header section must fit (Postfix: header_size_limit 100 KiB). */
    public static final int SPOOL_MEMORY_LIMIT = 128 * 1024;

    /**
     * Spool arrays kept for the next message over 8 KiB (2 MiB at most, held while the intake
     * runs; see {@link SpoolBuffer}): enough for the sessions that commit at once under load.
     */
    private static final int SPOOL_ARRAYS_POOLED = 16;

    /** How long accepting pauses after accept() failed (out of file descriptors), instead of spinning. */
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final IntakeConfig config;
    private final String hostname;
    private final Path spillDirectory;
    private final MessageSink sink;
    private final ClientAccess access;
    private final SessionLimits limits;
    private final SenderPolicy policy;
    private final Semaphore connectionSlots;
    private final int stressFreeSlots;                                 // stressed at or below this many free slots
    private final AtomicBoolean stressLogged = new AtomicBoolean();
    private final List<ServerSocketChannel> listeners = new ArrayList<>(); // bound by start()
    private final ExecutorService commitPool;                          // platform threads, one commit per session at most
    private final AtomicLong sessionCounter = new AtomicLong();       // for session ids
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>(); // for the loop thread
    private final Set<IntakeSession> sessions = new HashSet<>();       // loop thread only
    private final Loop loop = new Loop();
    private final ByteArrayPool spoolArrays = new ByteArrayPool(SPOOL_MEMORY_LIMIT, SPOOL_ARRAYS_POOLED);
    private Selector selector;                                         // opened by start()
    private Thread loopThread;
    private long acceptPausedUntil;                                    // loop thread only; 0: accepting
    private volatile boolean started;                                  // start() called
    private volatile boolean stopping;                                 // stop() called
    private volatile boolean loopEnded;                                // the loop thread is to end

    /**
     * @param spillDirectory where sessions spill message content beyond 128 KiB (the queue's tmp/)
     * @param sink           takes complete messages; answers 250 only when they are durable
     */
    public SmtpIntakeServer(IntakeConfig config, String hostname, Path spillDirectory, MessageSink sink) {
        this.config = config;
        this.hostname = hostname;
        this.spillDirectory = spillDirectory;
        this.sink = sink;
        this.access = new ClientAccess(config.allowedClients());
        this.limits = SessionLimits.of(config);
        this.policy = new SenderPolicy(config.appDomains());
        this.connectionSlots = new Semaphore(config.maxConnections());
        this.stressFreeSlots = config.maxConnections() - config.stressThreshold();
        AtomicLong threads = new AtomicLong();
        // No queue: a commit starts on an idle thread or a new one; connectionSlots bounds how many.
        this.commitPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> Thread.ofPlatform().daemon().stackSize(COMMIT_STACK).name("intake-commit-" + threads.incrementAndGet())
                        .unstarted(task));
    }

    /** Enough for cleanup and the queue's commit (no deep recursion); the default 512 KiB would only reserve more. */
    private static final long COMMIT_STACK = 256 * 1024;

    /** Binds all listen addresses and starts accepting. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("intake already started");
        }
        started = true;
        try {
            selector = Selector.open();
            for (InetSocketAddress address : config.listen()) {
                ServerSocketChannel server = ServerSocketChannel.open();
                try {
                    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    server.bind(address, 256);
                    server.configureBlocking(false);
                } catch (IOException bindFailure) {
                    server.close();
                    throw new IOException("cannot listen on " + HostPort.format(address) + ": " + bindFailure.getMessage(), bindFailure);
                }
                listeners.add(server);
                server.register(selector, SelectionKey.OP_ACCEPT, server);
            }
        } catch (IOException failure) {
            closeListeners();
            if (selector != null) {
                selector.close();
            }
            throw failure;
        }
        loopThread = Thread.ofPlatform().daemon().name("intake-loop").start(this::runLoop);
    }

    /** The bound addresses, with the real port when the config said port 0. */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(s -> (InetSocketAddress) s.socket().getLocalSocketAddress()).toList();
    }

    private void runLoop() {
        try {
            long timeout = 0; // no session yet: sleep until a connection or a task wakes the loop
            while (!loopEnded) {
                selector.select(this::ready, timeout);
                runTasks();
                timeout = expireDeadlines();
            }
        } catch (IOException | RuntimeException | Error fatal) {
            // A relay that no longer accepts must say so loudly: nothing else would show it.
            log.error(LogLine.of("intake_loop_stopped").field("error", fatal.toString()).toString(), fatal);
            if (fatal instanceof Error error) {
                throw error;
            }
        }
    }

    /** One ready key: a listener to accept on, or a session to read or write. */
    private void ready(SelectionKey key) {
        if (key.attachment() instanceof ServerSocketChannel server) {
            acceptAll(server, key);
            return;
        }
        IntakeSession session = (IntakeSession) key.attachment();
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            session.writable();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0) {
            session.readable();
        }
    }

    private void acceptAll(ServerSocketChannel server, SelectionKey key) {
        while (!stopping) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException acceptFailure) {
                log.error("accept failed on {}: {}", server.socket().getLocalSocketAddress(), acceptFailure.toString());
                // Out of file descriptors, say: pause this listener rather than spin on it.
                key.interestOps(0);
                acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
                return;
            }
            if (channel == null) {
                return;
            }
            String sessionId = Long.toString(sessionCounter.incrementAndGet(), 36).toUpperCase(java.util.Locale.ROOT);
            if (!connectionSlots.tryAcquire()) {
                refuseOverload(channel, sessionId);
                continue;
            }
            IntakeSession session;
            try {
                channel.configureBlocking(false);
                SelectionKey sessionKey = channel.register(selector, SelectionKey.OP_READ);
                session = new IntakeSession(channel, sessionKey, loop, sessionId, hostname, access, policy, limits,
                        new SpoolBuffer(SPOOL_MEMORY_LIMIT, spillDirectory, spoolArrays), sink);
                sessionKey.attach(session);
            } catch (IOException gone) {
                connectionSlots.release();
                closeQuietly(channel);
                continue;
            }
            sessions.add(session);
            logStressChange();
            session.open();
        }
    }

    /**
     * Ends the sessions whose deadline has passed and resumes accepting after a pause; returns the
     * loop's next sleep in milliseconds: until the nearest deadline left, or 0 (until woken) if none.
     */
    private long expireDeadlines() {
        long now = System.nanoTime();
        boolean stressed = loop.stressed();
        long nearest = Long.MAX_VALUE;
        List<IntakeSession> late = null;
        for (IntakeSession session : sessions) {
            long deadline = session.deadline(stressed);
            if (now - deadline >= 0) {
                (late == null ? late = new ArrayList<>() : late).add(session);
            } else {
                nearest = Math.min(nearest, deadline);
            }
        }
        if (late != null) {
            late.forEach(IntakeSession::timedOut);
            for (IntakeSession session : late) { // closed, or given a deadline to write its 421 by
                nearest = Math.min(nearest, session.deadline(stressed));
            }
        }
        if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.attachment() instanceof ServerSocketChannel) {
                    key.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        }
        if (acceptPausedUntil != 0) {
            nearest = Math.min(nearest, acceptPausedUntil);
        }
        return nearest == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nearest - now) + 1);
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException bug) {
                log.error(LogLine.of("intake_bug").field("where", "loop_task").toString(), bug);
            }
        }
    }

    /** What sessions see of the loop. */
    private final class Loop implements IntakeSession.Loop {
        @Override
        public void commit(Runnable commit) {
            commitPool.execute(commit);
        }

        @Override
        public void post(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public boolean stressed() {
            return connectionSlots.availablePermits() <= stressFreeSlots;
        }

        @Override
        public void ended(IntakeSession session) {
            sessions.remove(session);
            connectionSlots.release();
            logStressChange();
        }
    }

    /** One log line when the intake comes under stress (shorter command deadlines) and one when it ends. */
    private void logStressChange() {
        boolean now = loop.stressed();
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

    /** 421 and close: the reply fits a fresh socket's send buffer, so one non-blocking write sends it. */
    private void refuseOverload(SocketChannel channel, String sessionId) {
        InetSocketAddress client = (InetSocketAddress) channel.socket().getRemoteSocketAddress();
        try (channel) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(("421 4.7.0 " + hostname + " Error: too many connections, try again later\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException ignored) {
            // the client went away first; nothing to tell it
        }
        log.warn(LogLine.of("intake_reject").field("session", sessionId)
                .field("client", client == null ? "unknown" : HostPort.format(client))
                .field("stage", "CONNECT").field("reply", "421 4.7.0 too many connections")
                .field("max_connections", config.maxConnections()).toString());
    }

    /**
     * Stops accepting, lets sessions finish for up to {@code grace}, then closes what is left and
     * waits for their commits. A message whose DATA was cut off is simply not acknowledged.
     */
    public synchronized void stop(Duration grace) {
        if (stopping || loopThread == null) {
            stopping = true;
            return;
        }
        stopping = true;
        closeListeners(); // the loop accepts no more: acceptAll checks stopping; their keys go at the next select
        selector.wakeup();
        // Every session holds a slot; all slots back means no session runs.
        if (!awaitSessions(grace)) {
            loop.post(() -> List.copyOf(sessions).forEach(IntakeSession::abort));
            awaitSessions(Duration.ofSeconds(5));
        }
        loopEnded = true;
        selector.wakeup();
        joinQuietly(loopThread, Duration.ofSeconds(5));
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        commitPool.shutdown();
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

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private void closeListeners() {
        for (ServerSocketChannel server : listeners) {
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
