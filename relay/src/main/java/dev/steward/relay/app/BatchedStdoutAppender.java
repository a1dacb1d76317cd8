package dev.steward.relay.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the relay's log lines to stdout in batches: a thread that logs only queues its encoded
 * line, and one writer thread ({@code log-writer}) writes whatever has queued with one
 * {@code write} every {@link #TICK_NANOS} (at most 5 ms later). Logback's {@code ConsoleAppender}
 * writes each line with its own system call under a lock that the intake loop, the journal's sync
 * thread and every delivery thread contend for: four lines per message (intake session, queued,
 * delivery, removed), about one in twelve of the relay's system calls per message.
 *
 * <p><b>Nothing is dropped.</b> When {@link #MAX_PENDING} lines wait, a thread that logs waits
 * until the writer has caught up (back-pressure, as a blocking write to a full pipe would). The
 * queue is written out when the appender stops, which the relay's shutdown does last, so an
 * orderly stop keeps every line; a {@code kill -9} loses at most the lines of the last few
 * milliseconds (never mail: the queue does not depend on the log).
 *
 * <p>Only the relay daemon logs this way ({@link LogSetup#batchStdout}, once it has started):
 * the command-line tools keep Logback's console appender, so their log lines and their printed
 * results stay in order.
 *
 * <p><b>Idle.</b> After {@link #IDLE_TICKS} ticks with nothing to write the writer parks until
 * the next line, so an idle relay does not wake up 200 times a second.
 *
 * <p>Thread safety: thread-safe; lines from one thread keep their order.
 */
final class BatchedStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final int IDLE_TICKS = 20;
    static final int MAX_PENDING = 8192;
    private static final int BATCH_BYTES = 64 * 1024;

    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final OutputStream out;
    private final Object writeLock = new Object(); // one writer at a time: the thread, or stop()
    private final byte[] batch = new byte[BATCH_BYTES]; // guarded by writeLock
    private Encoder<ILoggingEvent> encoder;
    private volatile Thread writer;
    private volatile boolean parked;  // the writer sleeps until unparked
    private volatile boolean stopping;

    BatchedStdoutAppender(OutputStream out) {
        this.out = out;
    }

    void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        writer = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::writeLoop);
        super.start();
        writer.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }

    @Override
    protected void append(ILoggingEvent event) {
        pending.add(encoder.encode(event));
        int count = pendingCount.incrementAndGet();
        if (parked) { // once stopped, Logback no longer calls append: stop() writes the rest
            LockSupport.unpark(writer);
        }
        if (count > MAX_PENDING) {
            awaitRoom();
        }
    }

    /** Back-pressure: the caller waits until the writer has taken the queue below its bound. */
    private void awaitRoom() {
        while (pendingCount.get() > MAX_PENDING && !stopping && writer.isAlive()) {
            LockSupport.unpark(writer);
            LockSupport.parkNanos(TICK_NANOS / 5);
        }
        if (pendingCount.get() > MAX_PENDING) {
            drain(); // the writer is gone: write on the caller's thread rather than grow without bound
        }
    }

    private void writeLoop() {
        int idle = 0;
        while (!stopping) {
            if (drain() > 0) {
                idle = 0;
            } else if (++idle >= IDLE_TICKS) {
                parked = true;
                if (pending.isEmpty() && !stopping) { // a line queued after the drain unparks us or is seen here
                    LockSupport.park(this);
                }
                parked = false;
                idle = 0;
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
        }
    }

    /** Writes every queued line; returns how many. Never throws: a log that cannot be written is not a relay failure. */
    private int drain() {
        synchronized (writeLock) {
            int used = 0;
            int lines = 0;
            byte[] line;
            try {
                while ((line = pending.poll()) != null) {
                    pendingCount.decrementAndGet();
                    lines++;
                    if (line.length > batch.length - used) {
                        out.write(batch, 0, used);
                        used = 0;
                        if (line.length > batch.length) {
                            out.write(line);
                            continue;
                        }
                    }
                    System.arraycopy(line, 0, batch, used, line.length);
                    used += line.length;
                }
                if (used > 0) {
                    out.write(batch, 0, used);
                }
                out.flush();
            } catch (IOException e) {
                addError("cannot write the log to stdout", e);
            }
            return lines;
        }
    }
}
