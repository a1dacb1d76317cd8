package dev.steward.relay.delivery;

import dev.steward.smtp.wire.client.ClientSession;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle SMTP connections kept for the next message to the same destination (Postfix
 * {@code scache}): at most {@code maxUses} messages per connection, and a connection idle longer
 * than {@code idleTimeout} is closed (QUIT) instead of reused.
 *
 * <p>Thread safety: thread-safe; a connection is handed to one attempt at a time.
 */
final class ConnectionCache {

    /** A connected, greeted (and perhaps TLS-protected) session and what it has carried. */
    record Cached(ClientSession session, RemoteHost host, TlsSummary tls, int uses, long idleSinceNanos) {

        /** This connection after one more message. */
        Cached used() {
            return new Cached(session, host, tls, uses + 1, System.nanoTime());
        }
    }

    private final long idleNanos;
    private final int maxUses;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Deque<Cached>> idle = new HashMap<>(); // guarded by lock: per destination, newest first
    private final java.util.concurrent.locks.Condition closing = lock.newCondition(); // closeAll() wakes the sweeper
    private boolean closed; // guarded by lock: closeAll() ran
    private Thread sweeper; // guarded by lock: started with the first cached connection

    ConnectionCache(Duration idleTimeout, int maxUses) {
        this.idleNanos = idleTimeout.toNanos();
        this.maxUses = maxUses;
    }

    /** A live idle connection to {@code destination}, or empty. Stale ones found on the way are closed. */
    Optional<Cached> take(String destination) {
        List<Cached> stale = new ArrayList<>();
        Optional<Cached> found = Optional.empty();
        lock.lock();
        try {
            Deque<Cached> connections = idle.get(destination);
            while (connections != null && !connections.isEmpty()) {
                Cached candidate = connections.pollFirst();
                if (candidate.session().isOpen() && System.nanoTime() - candidate.idleSinceNanos() < idleNanos) {
                    found = Optional.of(candidate);
                    break;
                }
                stale.add(candidate);
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(ConnectionCache::quit);
        return found;
    }

    /** Keeps a connection after a transaction, unless it has carried enough or caching is off. */
    void offer(String destination, Cached connection) {
        if (idleNanos <= 0 || connection.uses() >= maxUses || !connection.session().isOpen()) {
            quit(connection);
            return;
        }
        List<Cached> stale = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                stale.add(connection); // the relay is stopping: nothing is kept
            } else {
                if (sweeper == null) {
                    sweeper = Thread.ofVirtual().name("smtp-connection-sweeper").start(this::sweepLoop);
                }
                Deque<Cached> connections = idle.computeIfAbsent(destination, key -> new ArrayDeque<>());
                connections.addFirst(connection);
                long now = System.nanoTime();
                while (!connections.isEmpty() && now - connections.peekLast().idleSinceNanos() >= idleNanos) {
                    stale.add(connections.pollLast());
                }
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(ConnectionCache::quit);
    }

    /** Closes every idle connection (relay stop) and stops the sweeper. */
    void closeAll() {
        List<Cached> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            closing.signalAll();
            idle.values().forEach(all::addAll);
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(ConnectionCache::quit);
    }

    /**
     * Closes (QUIT) the connections idle for {@code idle_timeout} or longer, whatever their
     * destination; returns how many. Without it, a connection to a destination that gets no more
     * mail would stay open (and, once the server hangs up, half-closed) until the relay stops.
     */
    int sweep() {
        List<Cached> stale = new ArrayList<>();
        lock.lock();
        try {
            long now = System.nanoTime();
            for (var entries = idle.values().iterator(); entries.hasNext();) {
                Deque<Cached> connections = entries.next();
                while (!connections.isEmpty() && (now - connections.peekLast().idleSinceNanos() >= idleNanos
                        || !connections.peekLast().session().isOpen())) {
                    stale.add(connections.pollLast());
                }
                if (connections.isEmpty()) {
                    entries.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(ConnectionCache::quit);
        return stale.size();
    }

    /** Sweeps every idle timeout until {@link #closeAll()}. */
    private void sweepLoop() {
        while (true) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closing.awaitNanos(Math.max(idleNanos, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100)));
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            sweep();
        }
    }

    /** Idle connections held now (tests). */
    int idleCount() {
        lock.lock();
        try {
            return idle.values().stream().mapToInt(Deque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    static void quit(Cached connection) {
        try {
            if (connection.session().isOpen()) {
                connection.session().quit();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // The peer went away first; nothing to tell it.
        } finally {
            connection.session().close();
        }
    }
}
