package dev.steward.relay.queue;

import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead intake journal: appends one {@link JournalRecord} per commit to the current
 * segment in {@code journal/}, makes it durable with group commit, and checkpoints closed
 * segments (the messages still in them are written to files, then the segment is deleted).
 *
 * <p><b>Group commit.</b> Positions are counted as a log sequence number (LSN): bytes appended
 * since open, over all segments. {@link #append} writes the record at the segment's end under
 * {@code appendLock} and returns the record's end LSN. {@link #awaitDurable} waits until
 * {@code durableLsn} reaches it: a caller that finds no force in progress becomes the leader,
 * notes the appended LSN and the segments written since the last force, forces them, raises
 * {@code durableLsn} to the noted LSN and wakes every waiter. Everyone appended before the leader
 * took its note is acknowledged by that one force; whoever appends during it is served by the
 * next. Waiting is on a {@link Condition}, never {@code synchronized}, because callers are virtual
 * threads. Lock order: {@code syncLock} is never held while taking {@code appendLock}.
 *
 * <p><b>Why {@code force(false)} (fdatasync) suffices although segments grow.</b> fdatasync(2)
 * flushes the data and the metadata "needed in order to allow a subsequent data retrieval to be
 * correctly handled", which explicitly includes a change of the file size (and on ext4 the block
 * allocation). It skips only timestamps. So a segment need not be preallocated; the new
 * segment's directory entry is made durable once, by an fsync of {@code journal/} in the first
 * force that covers a record of the segment, before any record in it is acknowledged.
 *
 * <p><b>The spare segment.</b> A segment is not created where it is needed: the checkpointer
 * makes an empty file in {@code tmp/} ahead of time ({@link QueueLayout#JOURNAL_SPARE}), and the
 * append that needs a new segment renames it into {@code journal/}. Creating a file allocates an
 * inode, and on ext4 that can take milliseconds: for some minutes after many files were deleted
 * (a busy queue's, or another mail server's on the same filesystem), the allocator skips every
 * recently deleted inode it looks at (measured here: 1.5–20 ms per create after 20,000 deletions, and
 * about 50 ms in a long hold-mode run). A rename allocates nothing. The append runs on the
 * intake's event loop, which must not stall every session for that. Without a spare (not made
 * yet, or its creation failed) the append creates the segment itself, as before. The spare is
 * not in {@code journal/}: a crash leaves nothing to replay in it, and startup recovery deletes
 * it with the rest of {@code tmp/}.
 *
 * <p><b>The spare is zero-filled and fsynced ahead</b> (PostgreSQL's {@code wal_init_zero}), as far
 * as the segment it becomes is expected to grow ({@link #zeroedLength}: twice what the last closed
 * segment held, at least {@link #MIN_ZEROED}, at most the segment limit). An append within those
 * bytes overwrites blocks the file already has, so the fdatasync that makes it durable writes the
 * data and nothing else; an append that grows the file also changes its size and block map, which
 * that fdatasync must write too (on ext4 without a journal, the build machines', the inode's block:
 * a second device write to wait for; with a journal, a commit of it). Measured with {@code
 * bench/probe intake 10} (1 KiB, session 15's machine): the relay's fdatasync under load took 0.46
 * ms on average (p90 0.89) on a growing segment, and the rate rose from 2,910–2,980 to 3,300–3,490
 * msg/s with zero-filled spares (three alternated pairs). Replay and the listing already stop at a
 * zero-filled tail (no record magic: a crash during an append). The cost is the zeros: written once
 * per segment by the checkpointer, off the intake's path; a segment that outgrows them is appended
 * to as before. A segment kept after it was closed (retention) has its unused zeros cut off, so
 * what retention keeps on disk is its records.
 *
 * <p><b>Recycling</b> (PostgreSQL's {@code wal_recycle}). A checkpointed segment's file is not
 * deleted but renamed into {@code tmp/} ({@link QueueLayout#JOURNAL_RECYCLED}), and the next spare
 * is made from it instead of a new file: its blocks are allocated and written already, so it needs
 * no zeros (only up to the spare's length, when it is shorter). Without this, every segment cost
 * its length in zeros as well as its records: twice the journal's disk writes under load. Its
 * records stay in it until overwritten, which is why every record is sealed for the segment it
 * was appended to ({@link JournalRecord#seal}): behind the end of a recycled file's new records,
 * replay finds records sealed for an earlier segment and stops there. One file is kept at most;
 * not kept are a file that a reader may still have open (it would read the next segment's records
 * at its message's position), a segment after a failed write or force, and a segment this journal
 * did not write itself (it may hold records of the format before sealing, which any segment would
 * take for its own). The rename leaves {@code journal/} before the directory is fsynced, as a
 * deletion would; a crash finds the file in {@code tmp/}, whose content startup deletes.
 *
 * <p><b>Checkpoint.</b> Every {@code checkpointInterval}, or when a segment reaches
 * {@code segmentLimit} bytes, the current segment is closed and a new one is begun at the next
 * append. Checkpointing a closed segment means: wait until it is durable and until every commit
 * appended to it has finished (or failed), let the {@link Materializer} write the files of every
 * message that still lives only in the journal (the queue store does that and fsyncs them), then
 * delete (or recycle) the segment and fsync {@code journal/}.
 *
 * <p><b>Retention.</b> The checkpointer ({@link #checkpointDue}) takes closed segments oldest
 * first. A segment none of whose messages is still queued (all delivered, bounced or deleted, the
 * normal case of a relay) is deleted at once: nothing is written. A segment that still holds
 * queued messages is kept, and its messages stay in it, until it has been closed for
 * {@link #RETAIN_FOR} (10 minutes: a message deferred once is retried after about 5 minutes, and if
 * that succeeds it is never written twice) or until the closed segments hold more than
 * {@link #MAX_RETAINED_BYTES} (48 MiB, three full segments: this bounds the disk the journal takes
 * beyond what is queued and the relay's memory for the index of journal-resident messages);
 * then its messages are written to files. Segments are deleted strictly in order, because a
 * younger segment may hold the newest state or the cancel record of a message in an older one:
 * deleting it first would let a crash bring back an old state or a delivered message. A clean
 * stop ({@link #close}) and {@link #checkpointNow} checkpoint every segment regardless.
 *
 * <p><b>Failure handling.</b> A failed append truncates the segment back to where the record
 * started, so no later record follows a partial one; if even that fails, the segment is closed
 * (poisoned) and the next append starts a new one. A failed force fails every waiter it would
 * have acknowledged and closes the segments it forced: after an fsync error the page cache state
 * is unknown, and a retried fsync may falsely succeed. A failed checkpoint keeps its segment and
 * is retried at the next interval. A channel closed because a thread was interrupted during I/O
 * (FileChannel semantics) is handled the same way: those records fail, the segment is closed.
 *
 * <p>Thread safety: thread-safe.
 */
final class IntakeJournal implements AutoCloseable {

    static final String SUFFIX = ".wal";
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
    /** Small enough that replay can hold one segment in the relay's 64 MiB heap. */
    static final long DEFAULT_SEGMENT_LIMIT = 16L << 20;
    /** How long a closed segment with queued messages is kept before they go to files. */
    static final Duration RETAIN_FOR = Duration.ofMinutes(10);
    /** Closed segments beyond this many bytes have their queued messages written to files, oldest first. */
    static final long MAX_RETAINED_BYTES = 3 * DEFAULT_SEGMENT_LIMIT;
    /** The least a spare is zero-filled to: a quiet relay's segment (one message per 30 s) costs 64 KiB. */
    static final long MIN_ZEROED = 64L << 10;
    private static final int ZEROS_PER_WRITE = 64 << 10;

    private static final Logger LOG = LoggerFactory.getLogger(IntakeJournal.class);

    /** A segment file and the commits written from it. */
    static final class Segment {
        final long number;
        final Path path;
        final FileChannel channel;
        long end; // guarded by appendLock: bytes in the file that belong to whole records
        long endLsn; // guarded by appendLock: LSN of end
        int inFlight; // guarded by appendLock: appended records whose commit has not finished
        long closedNanos; // guarded by appendLock: System.nanoTime() when it stopped taking appends
        boolean recyclable; // guarded by appendLock: made by this journal, every write and force succeeded
        final List<QueueId> ids = new ArrayList<>(); // guarded by appendLock: messages written from it
        // Reading (guarded by the segment's own monitor, not appendLock: readers never wait for appends)
        private FileChannel reader; // shared by the readers of its messages, opened at the first
        private int readers;        // acquired and not yet released
        private boolean retired;    // checkpointed: no new readers

        Segment(long number, Path path, FileChannel channel, long startLsn) {
            this.number = number;
            this.path = path;
            this.channel = channel;
            this.endLsn = startLsn;
        }
    }

    /**
     * Where a record went: its segment, its first byte in that segment, and its end LSN (for
     * {@link #awaitDurable} and {@link #finished}).
     */
    record Ticket(Segment segment, long start, long endLsn) {
    }

    /**
     * What a checkpoint does with the messages of a closed segment before the segment is deleted:
     * make every message that still lives only in the segment durable elsewhere (the queue store
     * writes its files), so nothing the segment holds is needed any more.
     */
    interface Materializer {

        /** {@code ids}: the messages whose {@link JournalRecord#MESSAGE} record is in {@code segment}. */
        void checkpoint(Segment segment, List<QueueId> ids) throws IOException;

        /** Whether any of {@code ids} is still queued with its bytes in {@code segment}. */
        boolean holdsQueued(Segment segment, List<QueueId> ids);
    }

    /** LSNs (from, to] that a failed force left undecided; their commits fail. */
    private record FailedRange(long from, long to, IOException failure) {
    }

    private final Materializer materializer;
    private final Path directory;
    private final Path spareFile;
    private final Path pooledFile;
    private final Duration checkpointInterval;
    private final long segmentLimit;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final Condition commitsFinished = appendLock.newCondition(); // a segment's inFlight fell to 0
    private final Condition checkpointWanted = appendLock.newCondition(); // rotation by size, a spare wanted, or close
    private final Condition spareMade = appendLock.newCondition(); // for tests: an attempt to make a spare ended
    private Segment current; // guarded by appendLock: where appends go; null until the next append
    private long nextNumber = 1; // guarded by appendLock: number of the next segment file
    private long appendedLsn; // guarded by appendLock: LSN after the last whole record
    private final Set<Segment> unforced = new LinkedHashSet<>(); // guarded by appendLock: written since last force
    private final List<Segment> closedSegments = new ArrayList<>(); // guarded by appendLock: awaiting checkpoint
    private final Set<Segment> unnamed = new LinkedHashSet<>(); // guarded by appendLock: directory entry not yet fsynced
    private long rotations; // guarded by appendLock: segments closed because they were full
    private FileChannel spare; // guarded by appendLock: the file at spareFile, made ahead by the checkpointer
    private FileChannel pooled; // guarded by appendLock: a checkpointed segment's file at pooledFile, the next spare
    private long lastSegmentBytes; // guarded by appendLock: what the segment closed last held
    private boolean spareWanted = true; // guarded by appendLock: the checkpointer should make a spare
    private boolean preparing; // guarded by appendLock: the checkpointer is making one
    private ByteBuffer zeros; // checkpointer only: what spares are filled from
    private boolean stopping; // guarded by appendLock: close() asked the checkpointer to end

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    private boolean forcing; // guarded by syncLock: a leader is forcing
    private long durableLsn; // guarded by syncLock: every record ending at or before it is durable
    private final List<FailedRange> failedRanges = new ArrayList<>(); // guarded by syncLock
    private final Condition asyncWanted = syncLock.newCondition(); // an async waiter, a force ended, or close
    private final List<AsyncWaiter> asyncWaiters = new ArrayList<>(); // guarded by syncLock: whenDurable callers
    private Thread syncer; // guarded by syncLock: forces for whenDurable callers; started at the first
    private boolean syncerStopping; // guarded by syncLock

    private final ReentrantLock checkpointLock = new ReentrantLock(); // one checkpoint at a time
    private final AtomicLong forces = new AtomicLong(); // force() calls, for tests and the benchmark
    private volatile Runnable afterAppend = () -> { }; // test seam: runs after each append
    private volatile Runnable beforeForce = () -> { }; // test seam: runs in the leader before its note
    private final Thread checkpointer;

    IntakeJournal(QueueLayout layout, Duration checkpointInterval, long segmentLimit, Materializer materializer) {
        this.materializer = materializer;
        this.directory = layout.journal();
        this.spareFile = layout.journalSpare();
        this.pooledFile = layout.journalRecycled();
        this.checkpointInterval = checkpointInterval;
        this.segmentLimit = segmentLimit;
        this.checkpointer = Thread.ofPlatform().daemon().name("queue-checkpoint").unstarted(this::checkpointLoop);
    }

    void start() {
        checkpointer.start();
    }

    /**
     * Takes the segments a replay on a full disk kept ({@link JournalReplay#run}) as closed
     * segments, oldest first, before {@link #start}: retention checkpoints them like any other
     * (a failed checkpoint is retried every interval), and new segments are numbered after them.
     * They count as closed now, so {@link #RETAIN_FOR} runs from this start. Returns them in the
     * order of {@code kept}.
     */
    List<Segment> adopt(List<JournalReplay.Kept> kept) throws IOException {
        List<Segment> adopted = new ArrayList<>();
        appendLock.lock();
        try {
            for (JournalReplay.Kept segment : kept) {
                long number = segmentNumber(segment.segment());
                FileChannel channel = FileChannel.open(segment.segment(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                Segment closed = new Segment(number, segment.segment(), channel, appendedLsn);
                closed.end = segment.end();
                closed.closedNanos = System.nanoTime();
                for (JournalReplay.KeptMessage message : segment.messages()) {
                    closed.ids.add(message.id());
                }
                closedSegments.add(closed);
                adopted.add(closed);
                nextNumber = Math.max(nextNumber, number + 1);
            }
        } catch (IOException | RuntimeException e) {
            for (Segment segment : adopted) {
                closeQuietly(segment.channel);
            }
            closedSegments.removeAll(adopted);
            throw e;
        } finally {
            appendLock.unlock();
        }
        return adopted;
    }

    /** The number in a segment file's name, or 0 for a name that is not a segment's (0 is no segment's). */
    static long segmentNumber(Path segment) {
        String name = segment.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String segmentName(long number) {
        return String.format(Locale.ROOT, "%08d%s", number, SUFFIX);
    }

    /**
     * Appends one record at the end of the current segment. On failure nothing of the record
     * remains in front of later records.
     */
    Ticket append(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        appendLock.lock();
        try {
            if (stopping) {
                throw new IOException("the queue is closing");
            }
            Segment segment = current != null ? current : openSegment();
            long start = segment.end;
            int at = bytes.position();
            JournalRecord.seal(bytes, at, segment.number);
            try {
                long position = start;
                while (bytes.hasRemaining()) {
                    position += segment.channel.write(bytes, position);
                }
            } catch (IOException e) {
                undo(segment, start, e);
                throw e;
            } finally {
                JournalRecord.unseal(bytes, at, segment.number);
            }
            segment.end += length;
            appendedLsn += length;
            segment.endLsn = appendedLsn;
            segment.inFlight++;
            unforced.add(segment);
            afterAppend.run();
            if (segment.end >= segmentLimit) {
                closeCurrent();
                rotations++;
                checkpointWanted.signalAll();
            }
            return new Ticket(segment, start, segment.endLsn);
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends without waiting for durability and ignoring failure (a best-effort cancel record). */
    void appendQuietly(JournalRecord record) {
        try {
            Ticket ticket = append(record.encode());
            finished(ticket, null);
        } catch (IOException e) {
            LOG.debug("journal record for {} not written: {}", record.id(), e.toString());
        }
    }

    /** Returns once the record of {@code ticket} is on stable storage. */
    void awaitDurable(Ticket ticket) throws IOException {
        awaitDurable(ticket.endLsn());
    }

    /** What {@link #whenDurable} calls: with null once the record is durable, or with the force's failure. */
    @FunctionalInterface
    interface DurableCallback {
        void done(IOException failure);
    }

    private record AsyncWaiter(long lsn, DurableCallback callback) {
    }

    /**
     * As {@link #awaitDurable}, without waiting: {@code callback} runs on the journal's sync
     * thread once the record of {@code ticket} is on stable storage (or its force failed). The sync
     * thread leads forces for such callers exactly as a waiting caller would (group commit: one
     * force serves every record appended before it), so an event loop can commit without a thread
     * of its own per message. Callbacks run one after another on that thread: keep them short.
     */
    void whenDurable(Ticket ticket, DurableCallback callback) {
        syncLock.lock();
        try {
            asyncWaiters.add(new AsyncWaiter(ticket.endLsn(), callback));
            if (syncer == null) {
                syncer = Thread.ofPlatform().daemon().name("queue-sync").start(this::syncLoop);
            }
            asyncWanted.signal();
        } finally {
            syncLock.unlock();
        }
    }

    /** The sync thread: forces for the async waiters and runs their callbacks, until close. */
    private void syncLoop() {
        List<Runnable> ready = new ArrayList<>(); // callbacks bound to their outcome, run without the lock
        syncLock.lock();
        try {
            while (true) {
                for (java.util.Iterator<AsyncWaiter> it = asyncWaiters.iterator(); it.hasNext(); ) {
                    AsyncWaiter waiter = it.next();
                    if (waiter.lsn() <= durableLsn) {
                        it.remove();
                        IOException failure = failureOf(waiter.lsn());
                        ready.add(() -> waiter.callback().done(failure));
                    }
                }
                if (!ready.isEmpty()) {
                    syncLock.unlock();
                    try {
                        for (Runnable callback : ready) {
                            try {
                                callback.run();
                            } catch (RuntimeException bug) {
                                LOG.error(LogLine.of("queue_sync_callback_failed").field("error", bug.toString()).toString(), bug);
                            }
                        }
                    } finally {
                        ready.clear();
                        syncLock.lock();
                    }
                    continue;
                }
                if (!asyncWaiters.isEmpty() && !forcing) {
                    lead(); // releases syncLock while forcing
                    continue;
                }
                if (asyncWaiters.isEmpty() && syncerStopping) {
                    return;
                }
                asyncWanted.awaitUninterruptibly();
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** The failure of the force that covered {@code lsn}, or null. Called with syncLock held. */
    private IOException failureOf(long lsn) {
        for (FailedRange range : failedRanges) {
            if (lsn > range.from() && lsn <= range.to()) {
                return new IOException("journal fsync failed: " + range.failure().getMessage(), range.failure());
            }
        }
        return null;
    }

    /** The commit of {@code ticket} ended; {@code id} is the message written, or null if it failed. */
    void finished(Ticket ticket, QueueId id) {
        Segment segment = ticket.segment();
        appendLock.lock();
        try {
            if (id != null) {
                segment.ids.add(id);
            }
            if (--segment.inFlight == 0) {
                commitsFinished.signalAll();
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Test seams, so a test can hold a leader until others have appended; not for production. */
    void testHooks(Runnable afterEachAppend, Runnable beforeEachForce) {
        this.afterAppend = afterEachAppend;
        this.beforeForce = beforeEachForce;
    }

    /**
     * Test seam: waits until a spare segment is ready or the checkpointer's attempt to make one has
     * failed (at most {@code timeout}); whether there is one.
     */
    boolean awaitSpare(Duration timeout) throws InterruptedException {
        appendLock.lock();
        try {
            long remaining = timeout.toNanos();
            while (spare == null && (spareWanted || preparing) && remaining > 0) {
                remaining = spareMade.awaitNanos(remaining);
            }
            return spare != null;
        } finally {
            appendLock.unlock();
        }
    }

    /** force() calls so far. */
    long forces() {
        return forces.get();
    }

    /**
     * Closes the current segment and checkpoints every closed segment, in order, whatever retention
     * would keep, on the calling thread ({@link #close}, or a test).
     */
    void checkpointNow() throws IOException {
        checkpoint(Long.MIN_VALUE, Take.ALL, true);
    }

    /**
     * Closes the current segment and checkpoints the closed segments that retention no longer
     * keeps (see the class comment), oldest first, as of {@code nowNanos} ({@link System#nanoTime}
     * scale; tests pass a later time instead of waiting). Runs on the checkpointer thread.
     */
    void checkpointDue(long nowNanos) throws IOException {
        checkpoint(nowNanos, Take.DUE, true);
    }

    /** Which closed segments a checkpoint takes, oldest first, up to the first it does not take. */
    private enum Take {
        /** Every one ({@link #checkpointNow}). */
        ALL,
        /** Those retention no longer keeps ({@link #due}). */
        DUE,
        /** Those with nothing queued in them: no files to write, only the segment to delete or recycle. */
        FREE
    }

    /** {@code close}: close the current segment first (not when a full segment woke the checkpointer). */
    private void checkpoint(long nowNanos, Take take, boolean close) throws IOException {
        checkpointLock.lock();
        try {
            List<Segment> segments;
            long retainedBytes = 0;
            appendLock.lock();
            try {
                if (close) {
                    closeCurrent();
                }
                segments = List.copyOf(closedSegments);
                for (Segment segment : segments) {
                    retainedBytes += segment.end;
                }
            } finally {
                appendLock.unlock();
            }
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (take != Take.ALL && !due(segment, nowNanos, retainedBytes, take == Take.FREE)) {
                    if (take == Take.DUE) {
                        trimZeros(segments.subList(i, segments.size()));
                    }
                    return; // in order: nothing younger may go before it (see Retention)
                }
                checkpoint(segment);
                retainedBytes -= segment.end;
                appendLock.lock();
                try {
                    closedSegments.remove(segment);
                } finally {
                    appendLock.unlock();
                }
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    /**
     * Whether a closed segment goes now: nothing queued in it, or ({@code freeOnly} false) kept
     * long enough or too much kept.
     */
    private boolean due(Segment segment, long nowNanos, long retainedBytes, boolean freeOnly) {
        List<QueueId> ids;
        long closedNanos;
        appendLock.lock();
        try {
            if (segment.inFlight > 0) {
                return false; // commits still running; the next round looks again
            }
            ids = List.copyOf(segment.ids);
            closedNanos = segment.closedNanos;
        } finally {
            appendLock.unlock();
        }
        if (!materializer.holdsQueued(segment, ids)) {
            return true;
        }
        return !freeOnly && (nowNanos - closedNanos >= RETAIN_FOR.toNanos() || retainedBytes > MAX_RETAINED_BYTES);
    }

    /**
     * A channel to read {@code segment}'s messages through with positional reads, shared by every
     * reader of the segment (no open, seek and close per delivery), or null once the segment has
     * been checkpointed (its messages are in files now). Each channel returned must be given back
     * with {@link #releaseReader}; the last reader of a checkpointed segment closes it.
     */
    FileChannel acquireReader(Segment segment) throws IOException {
        synchronized (segment) {
            if (segment.retired) {
                return null;
            }
            if (segment.reader == null || !segment.reader.isOpen()) { // closed by an interrupted reader: reopen
                try {
                    segment.reader = FileChannel.open(segment.path, StandardOpenOption.READ);
                } catch (java.nio.file.NoSuchFileException checkpointed) {
                    return null;
                }
            }
            segment.readers++;
            return segment.reader;
        }
    }

    /** Gives back a channel from {@link #acquireReader}. */
    void releaseReader(Segment segment) {
        synchronized (segment) {
            if (--segment.readers == 0 && segment.retired) {
                closeReader(segment);
            }
        }
    }

    /** Called holding the segment's monitor. */
    private static void closeReader(Segment segment) {
        if (segment.reader != null) {
            try {
                segment.reader.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
            segment.reader = null;
        }
    }

    /** Stops the checkpointer and checkpoints everything: a clean stop leaves {@code journal/} empty. */
    @Override
    public void close() throws IOException {
        appendLock.lock();
        try {
            stopping = true;
            checkpointWanted.signalAll();
        } finally {
            appendLock.unlock();
        }
        boolean interrupted = joinUninterruptibly(checkpointer);
        try {
            checkpointNow();
        } finally {
            discardSpare();
            stopSyncer();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the sync thread once it has run every callback it was given. */
    private void stopSyncer() {
        Thread running;
        syncLock.lock();
        try {
            syncerStopping = true;
            asyncWanted.signal();
            running = syncer;
        } finally {
            syncLock.unlock();
        }
        if (running != null && joinUninterruptibly(running)) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code thread} has ended; true if this thread was interrupted meanwhile. */
    private static boolean joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    private void awaitDurable(long lsn) throws IOException {
        syncLock.lock();
        try {
            while (durableLsn < lsn) {
                if (!forcing) {
                    lead();
                } else {
                    try {
                        synced.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for the journal fsync");
                    }
                }
            }
            IOException failure = failureOf(lsn);
            if (failure != null) {
                throw failure;
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Called with syncLock held; releases it while forcing. */
    private void lead() {
        forcing = true;
        long from = durableLsn;
        long target = from;
        List<Segment> segments = List.of();
        IOException failure = null;
        syncLock.unlock();
        try {
            beforeForce.run();
            boolean newSegments;
            appendLock.lock();
            try {
                target = appendedLsn;
                segments = List.copyOf(unforced);
                unforced.clear();
                newSegments = !unnamed.isEmpty();
                unnamed.clear();
            } finally {
                appendLock.unlock();
            }
            if (newSegments) {
                QueueLayout.syncDirectory(directory); // their names, before any of their records is acknowledged
            }
            for (Segment segment : segments) {
                forces.incrementAndGet();
                segment.channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            poison(segments, failure);
        } finally {
            syncLock.lock();
            if (failure != null) {
                failedRanges.add(new FailedRange(from, target, failure));
            }
            durableLsn = Math.max(durableLsn, target);
            forcing = false;
            synced.signalAll();
            if (!asyncWaiters.isEmpty()) {
                asyncWanted.signal(); // the sync thread completes what this force covered
            }
        }
    }

    private void poison(List<Segment> segments, IOException failure) {
        appendLock.lock();
        try {
            for (Segment segment : segments) {
                segment.recyclable = false; // its blocks' state is unknown after a failed fsync
            }
            if (current != null && segments.contains(current)) {
                closeCurrent();
            }
        } finally {
            appendLock.unlock();
        }
        LOG.error(LogLine.of("queue_journal_fsync_failed").field("error", failure.getMessage()).toString());
    }

    /**
     * Called with appendLock held. The spare renamed into place if there is one, else a new file;
     * either way its name is made durable by the next force ({@code unnamed}).
     */
    private Segment openSegment() throws IOException {
        long number = nextNumber;
        Path path = directory.resolve(segmentName(number));
        FileChannel channel = takeSpare(path);
        if (channel == null) {
            channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    QueueLayout.FILE_MODE);
        }
        nextNumber++;
        current = new Segment(number, path, channel, appendedLsn);
        current.recyclable = true;
        unnamed.add(current);
        spareWanted = true;
        checkpointWanted.signalAll();
        return current;
    }

    /** Called with appendLock held: the spare, renamed to {@code path}, or null if there is none or the rename failed. */
    private FileChannel takeSpare(Path path) {
        FileChannel channel = spare;
        if (channel == null) {
            return null;
        }
        spare = null;
        try {
            Files.move(spareFile, path); // rename(2): tmp/ and journal/ are on the queue's filesystem
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            LOG.warn(LogLine.of("queue_journal_spare_failed").field("error", e.toString()).toString());
            return null;
        }
    }

    /**
     * Makes the spare segment if there is none (see the class comment). Runs on the checkpointer,
     * the only thread that makes spares; a failure is logged and the next segment is created by
     * the append that needs it.
     */
    private void prepareSpare() {
        long length;
        FileChannel recycled;
        boolean poolEmpty;
        appendLock.lock();
        try {
            spareWanted = false;
            if (spare != null) {
                return;
            }
            preparing = true; // only this thread makes spares: none appears meanwhile
            poolEmpty = pooled == null;
        } finally {
            appendLock.unlock();
        }
        if (poolEmpty) {
            checkpointFree(); // a segment whose mail is all gone gives its file (see Recycling)
        }
        appendLock.lock();
        try {
            length = zeroedLength(lastSegmentBytes, segmentLimit);
            recycled = pooled;
            pooled = null;
        } finally {
            appendLock.unlock();
        }
        FileChannel made = recycled != null ? fromRecycled(recycled, length) : null;
        try {
            if (made == null) {
                Files.deleteIfExists(spareFile); // left by a failed rename
                made = FileChannel.open(spareFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        QueueLayout.FILE_MODE);
                fillWithZeros(made, 0, length);
            }
        } catch (IOException e) {
            LOG.warn(LogLine.of("queue_journal_spare_failed").field("error", e.toString()).toString());
            if (made != null) {
                closeQuietly(made); // the next attempt deletes the file
                made = null;
            }
        }
        appendLock.lock();
        try {
            preparing = false;
            spare = made; // a stop meanwhile: close() discards it once this thread has ended
            spareMade.signalAll();
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Checkpoints the oldest closed segments while nothing in them is queued (no files to write:
     * the cheap part of a checkpoint), so that the first of them can be recycled into the spare
     * about to be made. A failure is logged; the next full checkpoint retries.
     */
    private void checkpointFree() {
        try {
            checkpoint(System.nanoTime(), Take.FREE, false);
        } catch (IOException | RuntimeException e) {
            LOG.error(LogLine.of("queue_checkpoint_failed").field("error", e.toString()).toString());
        }
    }

    /**
     * The recycled file as the spare: renamed to the spare's name, and zero-filled from its end
     * when it is shorter than {@code length}; null (the file closed) if the rename failed.
     */
    private FileChannel fromRecycled(FileChannel recycled, long length) {
        try {
            Files.move(pooledFile, spareFile, StandardCopyOption.REPLACE_EXISTING);
            long size = recycled.size();
            if (size < length) {
                fillWithZeros(recycled, size, length);
            }
            return recycled;
        } catch (IOException e) {
            LOG.debug("recycled journal segment not used: {}", e.toString());
            closeQuietly(recycled);
            return null;
        }
    }

    /**
     * How far a spare is zero-filled: twice what the last closed segment held (a segment closed by
     * the interval held 30 s of mail), rounded up to {@link #MIN_ZEROED}, within
     * [{@link #MIN_ZEROED}, {@code limit}].
     */
    static long zeroedLength(long lastSegmentBytes, long limit) {
        long wanted = Math.min(limit, Math.max(MIN_ZEROED, 2 * lastSegmentBytes));
        return Math.min((wanted + MIN_ZEROED - 1) / MIN_ZEROED * MIN_ZEROED, limit);
    }

    /**
     * Writes zero bytes into the new spare from {@code from} up to {@code length} and fsyncs it (data, size and block map),
     * so that appends into them find their blocks allocated and written. If that fails, the spare
     * is cut back to empty and used as such (the zeros are an optimisation, the spare's point is
     * the inode), and only a failure of that cut fails the spare.
     */
    private void fillWithZeros(FileChannel channel, long from, long length) throws IOException {
        if (zeros == null) {
            zeros = ByteBuffer.allocateDirect(ZEROS_PER_WRITE); // never written to: stays all zeros
        }
        try {
            for (long at = from; at < length; ) {
                zeros.clear().limit((int) Math.min(ZEROS_PER_WRITE, length - at));
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
            }
            channel.force(true);
        } catch (IOException e) {
            channel.truncate(0);
            LOG.warn(LogLine.of("queue_journal_spare_unfilled").field("error", e.toString()).toString());
        }
    }

    /**
     * Cuts the unused zeros off closed segments that are being kept (retention), so the disk they
     * take is their records (a closed segment's end no longer moves; once trimmed, its file is no
     * longer than that). Checkpointer only; a failure leaves the zeros, which replay ignores.
     */
    private static void trimZeros(List<Segment> kept) {
        for (Segment segment : kept) {
            try {
                if (segment.channel.size() > segment.end) {
                    segment.channel.truncate(segment.end);
                }
            } catch (IOException e) {
                LOG.debug("journal segment {} not trimmed: {}", segment.path, e.toString());
            }
        }
    }

    /** After the checkpointer has ended: the spare is not left behind by a clean stop. */
    private void discardSpare() {
        FileChannel channel;
        FileChannel recycled;
        appendLock.lock();
        try {
            channel = spare;
            spare = null;
            recycled = pooled;
            pooled = null;
        } finally {
            appendLock.unlock();
        }
        if (recycled != null) {
            closeQuietly(recycled);
            try {
                Files.deleteIfExists(pooledFile);
            } catch (IOException e) {
                LOG.warn(LogLine.of("queue_journal_spare_failed").field("error", e.toString()).toString());
            }
        }
        if (channel == null) {
            return;
        }
        closeQuietly(channel);
        try {
            Files.deleteIfExists(spareFile);
        } catch (IOException e) {
            LOG.warn(LogLine.of("queue_journal_spare_failed").field("error", e.toString()).toString());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // an empty file that was never written: nothing to lose
        }
    }

    /** Called with appendLock held. */
    private void undo(Segment segment, long start, IOException failure) {
        segment.recyclable = false;
        try {
            segment.channel.truncate(start);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            if (segment == current) {
                closeCurrent(); // a partial record stays at its end, where replay ignores it
            }
        }
    }

    /** Called with appendLock held. */
    private void closeCurrent() {
        if (current != null) {
            current.closedNanos = System.nanoTime();
            lastSegmentBytes = current.end;
            closedSegments.add(current);
            current = null;
        }
    }

    private void checkpoint(Segment segment) throws IOException {
        long endLsn;
        appendLock.lock();
        try {
            endLsn = segment.endLsn;
        } finally {
            appendLock.unlock();
        }
        try {
            awaitDurable(endLsn);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            // Those records were refused; their commits wrote no files. The rest is durable.
        }
        List<QueueId> ids;
        appendLock.lock();
        try {
            while (segment.inFlight > 0) {
                commitsFinished.awaitUninterruptibly();
            }
            ids = List.copyOf(segment.ids);
        } finally {
            appendLock.unlock();
        }
        materializer.checkpoint(segment, ids);
        boolean unread;
        synchronized (segment) {
            segment.retired = true; // readers still reading keep the file open past its deletion (POSIX unlink)
            unread = segment.readers == 0;
            if (unread) {
                closeReader(segment);
            }
        }
        if (!(unread && recycle(segment))) {
            segment.channel.close();
            Files.deleteIfExists(segment.path);
        }
        QueueLayout.syncDirectory(directory); // out of journal/ (deleted or recycled) before anything else happens to it
    }

    /**
     * Keeps a checkpointed segment's file for the next spare (see Recycling in the class comment):
     * renamed into {@code tmp/}, its write channel kept open. Not when one is kept already, nor
     * for a file some reader may still have open (it would read the next segment's records), nor
     * after a failed write or force, nor while closing. False: nothing was done.
     */
    private boolean recycle(Segment segment) {
        appendLock.lock();
        try {
            if (!segment.recyclable || pooled != null || stopping) {
                return false;
            }
        } finally {
            appendLock.unlock();
        }
        try {
            Files.move(segment.path, pooledFile, StandardCopyOption.REPLACE_EXISTING); // rename(2), same filesystem
        } catch (IOException e) {
            LOG.debug("journal segment {} not recycled: {}", segment.path, e.toString());
            return false;
        }
        appendLock.lock();
        try {
            pooled = segment.channel;
        } finally {
            appendLock.unlock();
        }
        return true;
    }

    private void checkpointLoop() {
        long intervalNanos = checkpointInterval.toNanos();
        long deadline = System.nanoTime() + intervalNanos;
        long seenRotations = 0;
        while (true) {
            boolean rotated; // a segment filled up (append closed it) since the last look
            boolean spareNeeded;
            appendLock.lock();
            try {
                long remaining = deadline - System.nanoTime();
                while (!stopping && rotations == seenRotations && !spareWanted && remaining > 0) {
                    remaining = checkpointWanted.awaitNanos(remaining);
                }
                if (stopping) {
                    return;
                }
                rotated = rotations != seenRotations;
                seenRotations = rotations;
                spareNeeded = spareWanted;
            } catch (InterruptedException e) {
                return;
            } finally {
                appendLock.unlock();
            }
            if (spareNeeded) {
                prepareSpare(); // first: the next rotation should find it
            }
            boolean intervalEnded = deadline - System.nanoTime() <= 0;
            if (!rotated && !intervalEnded) {
                continue;
            }
            deadline = System.nanoTime() + intervalNanos;
            try {
                // The interval closes the current segment; a full one that woke us has closed itself.
                checkpoint(System.nanoTime(), Take.DUE, !rotated);
            } catch (IOException | RuntimeException e) {
                LOG.error(LogLine.of("queue_checkpoint_failed").field("error", e.toString()).toString());
                sleepQuietly(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** After a failed checkpoint the closed segments are still there: do not spin on them. */
    private void sleepQuietly(long nanos) {
        appendLock.lock();
        try {
            long remaining = nanos;
            while (!stopping && remaining > 0) {
                remaining = checkpointWanted.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            appendLock.unlock();
        }
    }
}
