package dev.steward.smtp.wire.client;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes the connection when one write, or one TLS handshake, blocks longer than its limit.
 * Blocking socket writes ignore {@code SO_TIMEOUT}: a server that stops reading would otherwise
 * hold a delivery thread forever (RFC 5321 §4.5.3.2.5, the data block timeout).
 *
 * <p>One virtual thread per session, started at the first {@link #arm} and ended by
 * {@link #stop()} or by firing. Arming per write is cheap: the thread is woken only when a new
 * deadline is earlier than the one it sleeps towards, so a stream of writes costs no wake-ups.
 *
 * <p>Thread safety: thread-safe; one writer arms and disarms, the watchdog thread fires.
 */
final class WriteWatchdog {

    private final Runnable onExpiry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;                       // started at the first arm; guarded by lock
    private boolean armed;                       // a guarded operation is in progress
    private long deadline;                       // System.nanoTime() when the armed operation expires
    private long waitingUntil = Long.MAX_VALUE;  // the deadline the thread sleeps towards
    private Duration limit = Duration.ZERO;      // the armed operation's limit, for the failure
    private boolean stopped;                     // stop() was called or the watchdog fired
    private volatile boolean fired;              // the watchdog closed the connection

    /** @param onExpiry closes the connection; runs on the watchdog thread, outside any lock */
    WriteWatchdog(Runnable onExpiry) {
        this.onExpiry = onExpiry;
    }

    void arm(Duration limit) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            this.limit = limit;
            this.deadline = System.nanoTime() + limit.toNanos();
            this.armed = true;
            if (thread == null) {
                thread = Thread.ofVirtual().name("smtp-client-write-watchdog").start(this::watch);
            } else if (deadline - waitingUntil < 0) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void disarm() {
        lock.lock();
        try {
            armed = false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the watchdog closed the connection because an operation outlived its limit. */
    boolean fired() {
        return fired;
    }

    /** The limit of the last armed operation. */
    Duration limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void watch() {
        lock.lock();
        try {
            while (!stopped) {
                if (!armed) {
                    waitingUntil = Long.MAX_VALUE;
                    changed.await();
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    stopped = true;
                    fired = true;
                    break;
                }
                waitingUntil = deadline;
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            // Nobody interrupts this thread but a JVM shutdown; stop watching.
            Thread.currentThread().interrupt();
            return;
        } finally {
            lock.unlock();
        }
        if (fired) {
            onExpiry.run();
        }
    }
}
