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
            Deque<Cached> connections = idle.computeIfAbsent(destination, key -> new ArrayDeque<>());
            connections.addFirst(connection);
            long now = System.nanoTime();
            while (!connections.isEmpty() && now - connections.peekLast().idleSinceNanos() >= idleNanos) {
                stale.add(connections.pollLast());
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(ConnectionCache::quit);
    }

    /** Closes every idle connection (relay stop). */
    void closeAll() {
        List<Cached> all = new ArrayList<>();
        lock.lock();
        try {
            idle.values().forEach(all::addAll);
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(ConnectionCache::quit);
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
