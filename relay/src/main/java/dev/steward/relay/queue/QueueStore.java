package dev.steward.relay.queue;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue directories of one relay: durable commit of new messages, startup recovery, and the
 * read-only listing behind {@code mailq}. See the package documentation for the layout.
 *
 * <p>Commit protocol ({@link #commit}) for messages up to {@link #JOURNAL_LIMIT} bytes: append
 * one record (id, the initial {@code .env} bytes, the {@code .msg} bytes) to the intake journal
 * and wait until it is durable; concurrent commits share one fdatasync (group commit, see
 * {@link IntakeJournal}). Then write {@code incoming/ID.msg} and {@code incoming/ID.env.new}
 * without fsync, rename the latter to {@code ID.env}, and return. Until the checkpointer has fsynced
 * those files and deleted the segment, the journal is what makes the {@code 250} safe: recovery
 * writes the files again from it. <b>A message exists exactly when its {@code .env} is in a
 * state directory</b> (after recovery): the {@code .env} is renamed in last and is always whole.
 *
 * <p>Larger messages take the direct path: write {@code tmp/ID.msg} and {@code tmp/ID.env} (mode
 * 0600), fsync each, rename the {@code .msg} into {@code incoming/}, then the {@code .env}, then
 * fsync {@code incoming/} (shared between concurrent committers, see {@link DirectorySync}), and
 * only then return; a crash between the renames leaves a {@code .msg} alone, which recovery
 * deletes; the client got no 250 for it. {@code tmp/} is never fsynced: what is in it after a
 * crash is deleted anyway.
 *
 * <p>XXX: a message removed (delivered) before the segment holding its record is checkpointed
 * would be brought back by replay after a crash. Nothing removes messages yet; the queue manager
 * must either keep a delivered message's files until its segment is checkpointed or append a
 * tombstone record ({@link JournalRecord#CANCEL} already means "do not replay") before removing.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code <directory>/lock}
 * and fails if another process holds it, because recovery moves files a live relay owns.
 *
 * <p>Thread safety: thread-safe; {@link #commit} is meant to be called from many (virtual)
 * threads at once.
 */
public final class QueueStore implements AutoCloseable {

    private static final String LOCK_FILE = "lock";
    /** Queue roots open in this JVM: a second FileChannel on the lock file would drop the lock. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final int OUTPUT_BUFFER = 64 * 1024;
    /** Messages up to this size go through the journal; larger ones are fsynced directly. */
    static final long JOURNAL_LIMIT = 1L << 20;

    private final QueueLayout layout;
    private final RecoveryReport recovery;
    private final DirectorySync incomingSync;
    private final long journalLimit; // messages up to this size are journaled
    private final IntakeJournal journal;
    private final QueueId highestIdAtOpen; // greatest id on disk at open, or null
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean(); // set once by close()

    private QueueStore(QueueLayout layout, RecoveryReport recovery, long journalLimit,
            IntakeJournal journal, QueueId highestIdAtOpen, FileChannel lockChannel, FileLock lock) {
        this.layout = layout;
        this.highestIdAtOpen = highestIdAtOpen;
        this.recovery = recovery;
        this.incomingSync = new DirectorySync(layout.state(QueueLayout.INCOMING), true);
        this.journalLimit = journalLimit;
        this.journal = journal;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the directories (mode 0700) if needed, takes the queue lock, replays the intake
     * journal, runs recovery, and starts the checkpointer (every 30 s).
     */
    public static QueueStore open(Path directory) throws IOException {
        return open(directory, JOURNAL_LIMIT, IntakeJournal.DEFAULT_CHECKPOINT_INTERVAL);
    }

    /**
     * {@code journalLimit}: messages up to this many bytes go through the journal, larger ones
     * take the direct path (0: every message, for the benchmark). {@code checkpointInterval}:
     * how often the checkpointer fsyncs the files written from the journal and deletes segments.
     */
    static QueueStore open(Path directory, long journalLimit, Duration checkpointInterval) throws IOException {
        QueueLayout layout = new QueueLayout(directory.toAbsolutePath().normalize());
        if (!OPEN.add(layout.root())) {
            throw new IOException("queue directory " + layout.root() + " is in use by this process");
        }
        FileChannel lockChannel = null;
        try {
            layout.createDirectories();
            lockChannel = FileChannel.open(layout.root().resolve(LOCK_FILE),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), QueueLayout.FILE_MODE);
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new IOException("queue directory " + layout.root() + " is in use by another process");
            }
            int replayed = JournalReplay.run(layout);
            RecoveryReport report = QueueRecovery.run(layout, replayed);
            IntakeJournal journal = new IntakeJournal(layout, checkpointInterval, IntakeJournal.DEFAULT_SEGMENT_LIMIT);
            QueueStore store = new QueueStore(layout, report, journalLimit, journal, highestId(layout),
                    lockChannel, lock);
            journal.start();
            return store;
        } catch (IOException | RuntimeException e) {
            OPEN.remove(layout.root());
            if (lockChannel != null) {
                try {
                    lockChannel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** What startup recovery found; never changes after {@link #open}. */
    public RecoveryReport recovery() {
        return recovery;
    }

    public Path directory() {
        return layout.root();
    }

    /**
     * Queues a message durably: on return its files and directory entries are on stable storage,
     * so the intake may reply {@code 250 2.0.0 ... queued as ID}. On failure nothing of the message
     * is left in {@code incoming/} or {@code tmp/}.
     *
     * @throws QueueWriteException with {@link QueueWriteException#diskFull()} for ENOSPC/EDQUOT
     *     (452 4.3.1), otherwise for any I/O error (451 4.3.0)
     * @throws IllegalStateException after {@link #close()}
     */
    public QueueId commit(NewMessage message, MessageContent content) throws QueueWriteException {
        return commit(newId(), message, content);
    }

    /**
     * A queue id not used in this queue, for a caller that must name the message before it is
     * written (cleanup puts it in the {@code Received:} header), then passes it to
     * {@link #commit(QueueId, NewMessage, MessageContent)}.
     */
    public QueueId newId() {
        return unusedId();
    }

    /** {@link #commit(NewMessage, MessageContent)} under an id from {@link #newId()}. */
    public QueueId commit(QueueId id, NewMessage message, MessageContent content) throws QueueWriteException {
        if (closed.get()) {
            throw new IllegalStateException("queue store " + layout.root() + " is closed");
        }
        try {
            if (content.size() <= journalLimit) {
                commitJournaled(id, message, content);
            } else {
                commitDirect(id, message, content);
            }
            return id;
        } catch (IOException e) {
            boolean diskFull = QueueWriteException.isDiskFull(e);
            throw new QueueWriteException(diskFull, "cannot queue message " + id + " in " + layout.root()
                    + (diskFull ? " (file system full)" : "") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Journal path: one record appended and made durable by group commit, then both files
     * written without fsync; the checkpointer fsyncs them later.
     */
    private void commitJournaled(QueueId id, NewMessage message, MessageContent content) throws IOException {
        byte[] env = EnvelopeFile.initial(id, message, content.size()).encode();
        JournalRecord.Encoded record = JournalRecord.encodeMessage(id, env, content);
        IntakeJournal.Ticket ticket = journal.append(record.buffer());
        Path msgFile = layout.msg(QueueLayout.INCOMING, id);
        Path envFile = layout.env(QueueLayout.INCOMING, id);
        // Same-directory rename: a rename across directories takes the file system's rename
        // mutex and both directory locks, which perf showed as the main contention at 50
        // committers. Recovery deletes a leftover ID.env.new like any unfinished state update.
        Path tmpEnv = envFile.resolveSibling(id.value() + QueueLayout.ENV + QueueLayout.NEW);
        boolean written = false;
        try {
            journal.awaitDurable(ticket);
            QueueLayout.write(msgFile, record.msg(), false);
            QueueLayout.write(tmpEnv, env, false);
            Files.move(tmpEnv, envFile, StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } finally {
            if (!written) {
                removeQuietly(envFile, msgFile, tmpEnv);
                // XXX: best effort; if the cancel record is lost and the process crashes before
                // the segment is checkpointed, replay brings back a message that got a 451/452: a
                // possible duplicate, never a loss.
                journal.appendQuietly(JournalRecord.cancel(id));
            }
            journal.finished(ticket, written ? id : null);
        }
    }

    /**
     * Direct path for large messages: write both files into {@code tmp/}, fsync each, rename
     * into {@code incoming/}, fsync {@code incoming/}.
     */
    private void commitDirect(QueueId id, NewMessage message, MessageContent content) throws IOException {
        Path tmpMsg = layout.tmp().resolve(id.value() + QueueLayout.MSG);
        Path tmpEnv = layout.tmp().resolve(id.value() + QueueLayout.ENV);
        Path msg = layout.msg(QueueLayout.INCOMING, id);
        Path env = layout.env(QueueLayout.INCOMING, id);
        boolean committed = false;
        try {
            long size = writeMessage(tmpMsg, content);
            QueueLayout.writeSynced(tmpEnv, EnvelopeFile.initial(id, message, size).encode());
            Files.move(tmpMsg, msg, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpEnv, env, StandardCopyOption.ATOMIC_MOVE);
            incomingSync.sync();
            committed = true;
        } finally {
            if (!committed) {
                // XXX: if the .env rename already reached the disk, a crash before this delete is
                // synced brings the message back after a 451: a possible duplicate, never a loss.
                removeQuietly(env, msg, tmpEnv, tmpMsg);
            }
        }
    }

    /**
     * The messages in the queue at {@code directory}, in arrival order, for {@code mailq}. Safe to
     * call while a relay runs on the same directory; never modifies anything.
     */
    public static List<QueueEntry> list(Path directory) throws IOException {
        return QueueListing.list(directory);
    }

    /**
     * Checkpoints the journal (fsyncs every file written from it and deletes its segments, so a
     * clean stop leaves {@code journal/} empty) and releases the queue lock; later commits throw
     * {@link IllegalStateException}. Commits still running should have ended: the intake stops
     * first.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            journal.close();
        } finally {
            releaseLock();
        }
    }

    private void releaseLock() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
            OPEN.remove(layout.root());
        }
    }

    /** Directory fsyncs of {@code incoming/} so far (benchmark: fsyncs per commit). */
    long directorySyncs() {
        return incomingSync.syncs();
    }

    /** Journal force() calls so far (tests, benchmark: commits per fsync). */
    long journalForces() {
        return journal.forces();
    }

    /** The intake journal (tests). */
    IntakeJournal journal() {
        return journal;
    }

    /** Checkpoints the journal now, on the calling thread (tests). */
    void checkpointNow() throws IOException {
        journal.checkpointNow();
    }

    private long writeMessage(Path file, MessageContent content) throws IOException {
        long written;
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), QueueLayout.FILE_MODE)) {
            CountingStream counter = new CountingStream(
                    new BufferedOutputStream(Channels.newOutputStream(channel), OUTPUT_BUFFER));
            content.writeTo(counter);
            counter.flush();
            written = counter.count;
            channel.force(true);
        }
        if (written != content.size()) {
            throw new IOException("message content wrote " + written + " bytes but declared " + content.size());
        }
        return written;
    }

    /**
     * A new id with no file in any state directory: ids from {@link QueueId#next()} never repeat
     * within a process, but after a restart with the clock set back one might. An id greater than
     * every id on disk at open cannot be in use (this process's own ids are strictly increasing),
     * so the file checks, which perf showed at about 5% of the relay's CPU in a large
     * {@code incoming/}, run only after a clock step-back.
     */
    private QueueId unusedId() {
        while (true) {
            QueueId id = QueueId.next();
            if (highestIdAtOpen == null || id.compareTo(highestIdAtOpen) > 0) {
                return id;
            }
            boolean used = Files.exists(layout.msg(QueueLayout.INCOMING, id));
            for (String state : QueueLayout.STATES) {
                used |= Files.exists(layout.env(state, id));
            }
            if (!used) {
                return id;
            }
        }
    }

    /** The greatest id of any queue file in a state directory or {@code tmp/}, or null. */
    private static QueueId highestId(QueueLayout layout) throws IOException {
        QueueId highest = null;
        List<Path> directories = new ArrayList<>();
        for (String state : QueueLayout.STATES) {
            directories.add(layout.state(state));
        }
        directories.add(layout.tmp());
        for (Path directory : directories) {
            for (Path file : QueueRecovery.entries(directory)) {
                String name = file.getFileName().toString();
                int dot = name.indexOf('.');
                try {
                    QueueId id = QueueId.parse(dot < 0 ? name : name.substring(0, dot));
                    if (highest == null || id.compareTo(highest) > 0) {
                        highest = id;
                    }
                } catch (IllegalArgumentException notQueueFile) {
                    // Not a queue file name: cannot collide with an id.
                }
            }
        }
        return highest;
    }

    private static void removeQuietly(Path... files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Recovery removes it at the next start; the commit failure is already reported.
            }
        }
    }

    /** Counts bytes and keeps {@link MessageContent#writeTo} from closing the channel. */
    private static final class CountingStream extends FilterOutputStream {

        private long count; // bytes written so far

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
