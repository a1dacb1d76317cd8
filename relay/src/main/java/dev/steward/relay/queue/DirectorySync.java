package dev.steward.relay.queue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for one directory: every committer needs an fsync of the directory that starts
 * after its rename; concurrent committers share one.
 *
 * <p>Strategy: fsyncs run one at a time, in rounds. A caller joins the {@code pending} round (the
 * next one to start). If no fsync is running it leads that round: it swaps in a fresh pending
 * round, fsyncs, and wakes everyone. Otherwise it waits for the running round to end and then, if
 * its own round has not been led by another waiter, leads it. A round starts only after all its
 * members joined, and each member joined after its rename, so each rename precedes its round's
 * fsync. With N committers arriving while a sync runs, the next round serves all N.
 *
 * <p>Failure handling: an fsync failure is given to every member of that round (each as its own
 * IOException with the shared cause). Interruption while waiting throws
 * {@link InterruptedIOException} with the interrupt flag set again: the caller cannot know its
 * rename is durable and must fail the commit.
 *
 * <p>XXX: measured with {@code QueueCommitBenchmark} on ext4 (virtio disk, a shared 2-core box
 * under load), grouping cuts directory fsyncs 5 to 10 times at 10 and 50 committers but does not
 * raise commits/s, and sometimes lowers it: each commit still fsyncs its two files, ext4's journal
 * already batches concurrent fsyncs, and a committer that arrives during a round waits for it and
 * then for its own. Re-measure on an idle production disk before relying on either setting.
 *
 * <p>Thread safety: thread-safe.
 */
final class DirectorySync {

    private static final class Round {
        boolean done; // guarded by lock: the fsync of this round finished
        IOException failure; // guarded by lock: why it failed, or null
    }

    private final Path directory;
    private final boolean grouped;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roundEnded = lock.newCondition();
    private Round pending = new Round(); // guarded by lock: the round new callers join
    private boolean running; // guarded by lock: a round's fsync is in progress
    private final AtomicLong syncs = new AtomicLong(); // fsyncs done, for the benchmark

    DirectorySync(Path directory, boolean grouped) {
        this.directory = directory;
        this.grouped = grouped;
    }

    /** Returns once an fsync of the directory that started after this call began has succeeded. */
    void sync() throws IOException {
        if (!grouped) {
            syncs.incrementAndGet();
            QueueLayout.syncDirectory(directory);
            return;
        }
        Round mine;
        lock.lock();
        try {
            mine = pending;
            while (!mine.done) {
                if (!running) {
                    lead(mine);
                } else {
                    try {
                        roundEnded.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for the fsync of " + directory);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw new IOException("fsync of " + directory + " failed: " + mine.failure.getMessage(), mine.failure);
        }
    }

    long syncs() {
        return syncs.get();
    }

    /** Called with the lock held; releases it during the fsync. */
    private void lead(Round round) {
        running = true;
        pending = new Round();
        IOException failure = new IOException("fsync of " + directory + " ended abnormally");
        lock.unlock();
        try {
            syncs.incrementAndGet();
            QueueLayout.syncDirectory(directory);
            failure = null;
        } catch (IOException e) {
            failure = e;
        } finally {
            lock.lock();
            round.failure = failure;
            round.done = true;
            running = false;
            roundEnded.signalAll();
        }
    }
}
