package dev.steward.smtp.wire.client;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes the connection when one write, one reply wait or one TLS handshake takes longer than its
 * limit (RFC 5321 §4.5.3.2). Blocking socket writes ignore {@code SO_TIMEOUT}: a server that stops
 * reading would otherwise hold a delivery thread forever. Reads are bounded here too rather than
 * with {@code SO_TIMEOUT}: a socket with a read timeout is put in non-blocking mode by the JDK for
 * good, and every read that has to wait then costs three system calls (a read that finds nothing,
 * a {@code poll}, the read again) where a blocking read costs one.
 *
 * <p>One virtual thread per session, started at the first {@link #arm} and ended by
 * {@link #stop()} or by firing. Arming per operation is cheap: the thread is woken only when a new
 * deadline is earlier than the one it sleeps towards, so a stream of operations costs no wake-ups.
 *
 * <p>Thread safety: thread-safe; one writer arms and disarms, the watchdog thread fires.
 */
final class IoWatchdog {

    private final Runnable onExpiry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;                       // started at the first arm; guarded by lock
    private boolean armed;                       // a guarded operation is in progress
    private long deadline;                       // System.nanoTime() when the armed operation expires
    private long waitingUntil = Long.MAX_VALUE;  // the deadline the thread sleeps towards
    private long shortestLimit = Long.MAX_VALUE; // nanos: the shortest limit armed so far
    private int wakeUps;                         // times the thread woke (tests: arming must not wake it)
    private Duration limit = Duration.ZERO;      // the armed operation's limit, for the failure
    private boolean stopped;                     // stop() was called or the watchdog fired
    private volatile boolean fired;              // the watchdog closed the connection

    /** @param onExpiry closes the connection; runs on the watchdog thread, outside any lock */
    IoWatchdog(Runnable onExpiry) {
        this.onExpiry = onExpiry;
    }

    void arm(Duration limit) {
        armUntil(System.nanoTime() + limit.toNanos(), limit);
    }

    /**
     * Arms the watchdog for an operation that must end by {@code deadlineNanos} ({@link System#nanoTime}
     * terms), part of a stage whose limit is {@code limit} (reported by {@link #limit()} if it fires).
     */
    void armUntil(long deadlineNanos, Duration limit) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            this.limit = limit;
            this.deadline = deadlineNanos;
            this.shortestLimit = Math.min(shortestLimit, limit.toNanos());
            this.armed = true;
            if (thread == null) {
                thread = Thread.ofVirtual().name("smtp-client-watchdog").start(this::watch);
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

    /** How many times the watchdog thread has woken up so far (for tests). */
    int wakeUps() {
        lock.lock();
        try {
            return wakeUps;
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
                long now = System.nanoTime();
                long remaining = deadline - now;
                if (remaining <= 0) {
                    if (armed) {
                        stopped = true;
                        fired = true;
                        break;
                    }
                    waitingUntil = Long.MAX_VALUE;
                    changed.await();
                    wakeUps++;
                    continue;
                }
                // Armed or not, sleep towards the last deadline, but no further than the shortest
                // limit from now: every operation armed meanwhile then has a later deadline and
                // needs no wake-up (a session alternates limits of 2, 3, 5 and 10 minutes; sleeping
                // towards a 10-minute deadline, each 2-minute wait would wake the thread).
                long sleep = Math.min(remaining, shortestLimit);
                waitingUntil = now + sleep;
                changed.awaitNanos(sleep);
                wakeUps++;
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
