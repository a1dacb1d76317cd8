package dev.steward.relay.queue;

import dev.steward.common.io.ByteArrayPool;
import dev.steward.common.text.LogLine;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue directories of one relay: durable commit of new messages, startup recovery, and the
 * read-only listing behind {@code mailq}. See the package documentation for the layout.
 *
 * <p>Commit protocol ({@link #commit}) for messages up to {@link #JOURNAL_LIMIT} bytes: append
 * one record (id, the initial {@code .env} bytes, the {@code .msg} bytes) to the intake journal
 * and wait until it is durable; concurrent commits share one fdatasync (group commit, see
 * {@link IntakeJournal}). Nothing else is written: the message lives in the journal, found
 * through an in-memory index, until {@link #remove} appends a cancel record or the checkpointer
 * writes its files ({@link #checkpoint}). {@link #update} and {@link #remove} work on either
 * place and are durable on return. <b>A message in files exists exactly when its {@code .env}
 * is in a state directory</b> (after recovery): the {@code .env} is renamed in last and is
 * always whole.
 *
 * <p>Larger messages take the direct path: write {@code tmp/ID.msg} and {@code tmp/ID.env} (mode
 * 0600), fsync each, rename the {@code .msg} into {@code incoming/}, then the {@code .env}, then
 * fsync {@code incoming/} (shared between concurrent committers, see {@link DirectorySync}), and
 * only then return; a crash between the renames leaves a {@code .msg} alone, which recovery
 * deletes; the client got no 250 for it. {@code tmp/} is never fsynced: what is in it after a
 * crash is deleted anyway.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code <directory>/lock}
 * and fails if another process holds it, because recovery moves files a live relay owns.
 *
 * <p>Thread safety: thread-safe; {@link #commit} is meant to be called from many (virtual)
 * threads at once.
 */
public final class QueueStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueStore.class);

    private static final String LOCK_FILE = "lock";
    /** Queue roots open in this JVM: a second FileChannel on the lock file would drop the lock. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final int OUTPUT_BUFFER = 64 * 1024;
    /** Messages up to this size go through the journal; larger ones are fsynced directly. */
    static final long JOURNAL_LIMIT = 1L << 20;
    /** The length of a pooled record array: a message of 128 KiB with its envelope and header. */
    private static final int RECORD_ARRAY_LENGTH = 132 * 1024;

    private final QueueLayout layout;
    private final RecoveryReport recovery;
    private final DirectorySync incomingSync;
    private final long journalLimit; // messages up to this size are journaled
    /**
     * Arrays for the journal records of messages up to about 128 KiB (the intake's spool limit),
     * given back once a record is written: 64 KiB messages allocate no record array in steady state.
     * A few, as few threads append at once (the intake's loop, its commit threads, notices).
     */
    private final ByteArrayPool recordArrays = new ByteArrayPool(RECORD_ARRAY_LENGTH, 4);
    private final IntakeJournal journal;
    private final QueueId highestIdAtOpen; // greatest id on disk at open, or null
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean(); // set once by close()
    private final Map<QueueId, Resident> resident = new ConcurrentHashMap<>(); // messages only in the journal
    // guarded by the journal's checkpoint lock: files written by a checkpoint that failed before fsyncing them
    private final List<QueueId> writtenUnsynced = new ArrayList<>();
    private final ReentrantLock[] stripes = new ReentrantLock[64]; // per-message lock for state changes
    private final Map<String, DirectorySync> stateSyncs = new HashMap<>(); // per state directory
    private volatile java.util.function.Consumer<EnvelopeFile> commitListener = envelope -> { }; // the queue manager

    /**
     * A message that lives only in the journal: where its bytes and its newest {@code .env} are.
     * Fields other than the final ones change under the message's stripe lock.
     */
    private static final class Resident {
        final IntakeJournal.Segment segment; // holds the MESSAGE record
        final long msgPosition; // first .msg byte in segment
        final int msgLength; // .msg bytes
        volatile Path envSegment; // segment file with the newest .env bytes
        volatile long envPosition; // first byte of the newest .env in envSegment
        volatile int envLength; // bytes of the newest .env
        volatile String state; // state directory the message belongs to

        Resident(IntakeJournal.Segment segment, long msgPosition, int msgLength, long envPosition, int envLength) {
            this.segment = segment;
            this.msgPosition = msgPosition;
            this.msgLength = msgLength;
            this.envSegment = segment.path;
            this.envPosition = envPosition;
            this.envLength = envLength;
            this.state = QueueLayout.INCOMING;
        }
    }

    private QueueStore(QueueLayout layout, RecoveryReport recovery, long journalLimit,
            Duration checkpointInterval, long segmentLimit, QueueId highestIdAtOpen, FileChannel lockChannel, FileLock lock) {
        this.layout = layout;
        this.highestIdAtOpen = highestIdAtOpen;
        this.recovery = recovery;
        this.incomingSync = new DirectorySync(layout.state(QueueLayout.INCOMING), true);
        for (String state : QueueLayout.STATES) {
            stateSyncs.put(state, new DirectorySync(layout.state(state), true));
        }
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.journalLimit = journalLimit;
        this.journal = new IntakeJournal(layout, checkpointInterval, segmentLimit,
                new IntakeJournal.Materializer() {
                    @Override
                    public void checkpoint(IntakeJournal.Segment segment, List<QueueId> ids) throws IOException {
                        QueueStore.this.checkpoint(segment, ids);
                    }

                    @Override
                    public boolean holdsQueued(IntakeJournal.Segment segment, List<QueueId> ids) {
                        return QueueStore.this.holdsQueued(segment, ids);
                    }
                });
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
     * As {@link #open(Path)} with journal segments of {@code segmentLimit} bytes instead of 16 MiB
     * ({@code [testing] journal_segment_bytes}: crash tests that fill, checkpoint and recycle
     * segments many times over).
     */
    public static QueueStore openForTests(Path directory, long segmentLimit) throws IOException {
        return open(directory, JOURNAL_LIMIT, IntakeJournal.DEFAULT_CHECKPOINT_INTERVAL, segmentLimit);
    }

    /**
     * {@code journalLimit}: messages up to this many bytes go through the journal, larger ones
     * take the direct path (0: every message, for the benchmark). {@code checkpointInterval}:
     * how often the checkpointer fsyncs the files written from the journal and deletes segments.
     */
    static QueueStore open(Path directory, long journalLimit, Duration checkpointInterval) throws IOException {
        return open(directory, journalLimit, checkpointInterval, IntakeJournal.DEFAULT_SEGMENT_LIMIT);
    }

    private static QueueStore open(Path directory, long journalLimit, Duration checkpointInterval, long segmentLimit)
            throws IOException {
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
            JournalReplay.Result replay = JournalReplay.run(layout);
            RecoveryReport report = QueueRecovery.run(layout, replay.replayed());
            QueueId highest = highestId(layout);
            for (JournalReplay.Kept kept : replay.kept()) {
                for (JournalReplay.KeptMessage message : kept.messages()) {
                    highest = highest == null || message.id().compareTo(highest) > 0 ? message.id() : highest;
                }
            }
            QueueStore store = new QueueStore(layout, report, journalLimit, checkpointInterval, segmentLimit, highest,
                    lockChannel, lock);
            store.adopt(replay.kept());
            store.journal.start();
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

    /**
     * The segments a replay on a full disk kept: their queued messages live in the journal, as
     * if just committed, until the checkpointer writes their files.
     */
    private void adopt(List<JournalReplay.Kept> kept) throws IOException {
        List<IntakeJournal.Segment> segments = journal.adopt(kept); // in the order of kept
        for (int i = 0; i < kept.size(); i++) {
            for (JournalReplay.KeptMessage message : kept.get(i).messages()) {
                Resident adopted = new Resident(segments.get(i), message.msgPosition(), message.msgLength(),
                        message.envPosition(), message.envLength());
                adopted.envSegment = message.envSegment();
                adopted.state = message.state();
                resident.put(message.id(), adopted);
            }
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
        ensureOpen();
        try {
            EnvelopeFile envelope;
            if (content.size() <= journalLimit) {
                envelope = commitJournaled(id, message, content);
            } else {
                envelope = commitDirect(id, message, content);
            }
            commitListener.accept(envelope);
            return id;
        } catch (IOException e) {
            throw writeFailure(id, e);
        }
    }

    /** The outcome of {@link #commitAsync}: null when the message is durable and queued. */
    @FunctionalInterface
    public interface CommitCallback {
        void done(QueueWriteException failure);
    }

    /**
     * {@link #commit(QueueId, NewMessage, MessageContent)} without waiting for the disk, for a
     * message small enough for the journal: the record is appended on the calling thread, and
     * {@code done} runs on the journal's sync thread once the record is durable (the message is then
     * queued exactly as by {@code commit}) or with the failure. Returns false, having done
     * nothing, for a message too large for the journal: the caller uses {@code commit} on a thread
     * that may wait. {@code done} may also run on the calling thread, before this returns, when the
     * append itself fails.
     */
    public boolean commitAsync(QueueId id, NewMessage message, MessageContent content, CommitCallback done) {
        ensureOpen();
        if (content.size() > journalLimit) {
            return false;
        }
        Appended appended;
        try {
            appended = appendMessage(id, message, content);
        } catch (IOException e) {
            done.done(writeFailure(id, e));
            return true;
        }
        journal.whenDurable(appended.ticket(), failure -> {
            settle(appended, failure == null);
            if (failure != null) {
                done.done(writeFailure(id, failure));
                return;
            }
            try {
                commitListener.accept(appended.envelope());
            } catch (RuntimeException bug) {
                // Durable and queued either way; the queue manager's next scan finds it. (commit()
                // lets this propagate to its caller; here the caller is the journal's sync thread.)
                LOG.error(LogLine.of("queue_commit_listener_failed").field("queue_id", id.value())
                        .field("error", bug.toString()).toString(), bug);
            }
            done.done(null);
        });
        return true;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("queue store " + layout.root() + " is closed");
        }
    }

    private QueueWriteException writeFailure(QueueId id, IOException e) {
        boolean diskFull = QueueWriteException.isDiskFull(e);
        return new QueueWriteException(diskFull, "cannot queue message " + id + " in " + layout.root()
                + (diskFull ? " (file system full)" : "") + ": " + e.getMessage(), e);
    }

    /**
     * Journal path: one record appended and made durable by group commit; nothing else is
     * written. The message lives in the journal until it is removed (the common case: delivered
     * within seconds) or until the checkpointer writes its files (see {@link #checkpoint}).
     */
    private EnvelopeFile commitJournaled(QueueId id, NewMessage message, MessageContent content) throws IOException {
        Appended appended = appendMessage(id, message, content);
        boolean durable = false;
        try {
            journal.awaitDurable(appended.ticket());
            durable = true;
        } finally {
            settle(appended, durable);
        }
        return appended.envelope();
    }

    /** A message record appended to the journal, not yet known to be durable. */
    private record Appended(QueueId id, EnvelopeFile envelope, int msgOffset, int msgLength, int envLength,
                            IntakeJournal.Ticket ticket) {
    }

    private Appended appendMessage(QueueId id, NewMessage message, MessageContent content) throws IOException {
        EnvelopeFile envelope = EnvelopeFile.initial(id, message, content.size());
        byte[] env = envelope.encode();
        JournalRecord.Encoded record = JournalRecord.encodeMessage(id, env, content, recordArrays);
        try {
            return new Appended(id, envelope, record.msgOffset(), record.msgLength(), env.length,
                    journal.append(record.buffer()));
        } finally {
            recordArrays.give(record.bytes()); // written (or not): the array is free again
        }
    }

    /**
     * The end of a journaled commit: a durable message is indexed where its bytes lie; one whose
     * force failed gets a cancel record. Either way its segment's commit count goes down.
     */
    private void settle(Appended appended, boolean durable) {
        QueueId id = appended.id();
        IntakeJournal.Ticket ticket = appended.ticket();
        if (durable) {
            resident.put(id, new Resident(ticket.segment(), ticket.start() + appended.msgOffset(),
                    appended.msgLength(), ticket.start() + JournalRecord.envOffset(id), appended.envLength()));
        } else {
            // XXX: best effort; if the cancel record is lost and the record did reach the disk
            // despite the failed fsync, replay brings back a message that got a 451: a
            // possible duplicate, never a loss.
            journal.appendQuietly(JournalRecord.cancel(id));
        }
        journal.finished(ticket, durable ? id : null);
    }

    /**
     * The checkpoint of one closed segment ({@link IntakeJournal.Materializer}): every message
     * whose record is in it and that is still queued gets its files, written from the segment
     * and its newest state into its state directory; then all of them are fsynced with their
     * directories. Runs on the checkpointer thread; each message is moved out of the journal
     * under its stripe lock, so a concurrent {@link #update} or {@link #remove} sees it either in
     * the journal or in files, never half.
     */
    private void checkpoint(IntakeJournal.Segment segment, List<QueueId> ids) throws IOException {
        // Files an earlier checkpoint wrote before it failed are no longer in the journal's index:
        // they are fsynced with these, before any segment holding them can be deleted.
        List<QueueId> written = new ArrayList<>(writtenUnsynced);
        writtenUnsynced.clear();
        Map<Path, FileChannel> readers = new HashMap<>();
        try {
            for (QueueId id : ids) {
                ReentrantLock stripe = stripe(id);
                stripe.lock();
                try {
                    Resident message = resident.get(id);
                    if (message == null || message.segment != segment) {
                        continue; // removed meanwhile
                    }
                    ByteBuffer msg = readAt(reader(readers, segment.path), message.msgPosition, message.msgLength);
                    ByteBuffer env = readAt(reader(readers, message.envSegment), message.envPosition, message.envLength);
                    String state = message.state;
                    Path msgFile = layout.msg(state, id);
                    Path envFile = layout.env(state, id);
                    Path tmpEnv = envFile.resolveSibling(id.value() + QueueLayout.ENV + QueueLayout.NEW);
                    Files.deleteIfExists(msgFile); // left by an earlier checkpoint that failed half-way
                    Files.deleteIfExists(tmpEnv);
                    QueueLayout.write(msgFile, msg, false);
                    QueueLayout.write(tmpEnv, env, false);
                    Files.move(tmpEnv, envFile, StandardCopyOption.ATOMIC_MOVE);
                    resident.remove(id);
                    written.add(id);
                } finally {
                    stripe.unlock();
                }
            }
            // The segment is deleted only after this: a crash before it replays the segment, and
            // replay keeps files that are intact.
            JournalReplay.syncMessages(layout, written);
        } catch (IOException | RuntimeException e) {
            writtenUnsynced.addAll(written);
            throw e;
        } finally {
            for (FileChannel reader : readers.values()) {
                reader.close();
            }
        }
    }

    /** Whether any of {@code ids} still lives only in the journal with its bytes in {@code segment}. */
    private boolean holdsQueued(IntakeJournal.Segment segment, List<QueueId> ids) {
        for (QueueId id : ids) {
            Resident message = resident.get(id);
            if (message != null && message.segment == segment) {
                return true;
            }
        }
        return false;
    }

    private static FileChannel reader(Map<Path, FileChannel> readers, Path segment) throws IOException {
        FileChannel reader = readers.get(segment);
        if (reader == null) {
            reader = FileChannel.open(segment, StandardOpenOption.READ);
            readers.put(segment, reader);
        }
        return reader;
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("journal segment ends before the record it indexed");
            }
        }
        return buffer.flip();
    }

    private ReentrantLock stripe(QueueId id) {
        return stripes[(id.hashCode() & 0x7fffffff) % stripes.length];
    }

    /** Where a message is now. */
    enum Place { JOURNAL, FILES, GONE }

    /**
     * The envelope and delivery state of a queued message, or empty when it is not queued (any
     * more).
     */
    Optional<EnvelopeFile> envelope(QueueId id) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Resident message = resident.get(id);
            if (message != null) {
                Path segment = message.envSegment;
                long position = message.envPosition;
                int length = message.envLength;
                byte[] env;
                try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
                    env = readAt(channel, position, length).array();
                } catch (NoSuchFileException checkpointed) {
                    continue; // in files now: look again
                }
                // Unchanged afterwards, the bytes were that record's: its segment goes (and its file
                // may be recycled and overwritten) only after the message has left the journal's
                // index. Changed, they may be anything: a newer state, or the file's next segment.
                if (resident.get(id) != message || message.envSegment != segment || message.envPosition != position
                        || message.envLength != length) {
                    continue;
                }
                try {
                    return Optional.of(EnvelopeFile.decode(env, id));
                } catch (CorruptQueueFileException e) {
                    throw new IOException("journal record of " + id + " does not decode: " + e.getMessage(), e);
                }
            }
            Optional<String> state = stateOnDisk(id);
            if (state.isEmpty()) {
                if (resident.containsKey(id)) {
                    continue;
                }
                return Optional.empty();
            }
            try {
                return Optional.of(QueueRecovery.read(layout, state.get(), id));
            } catch (NoSuchFileException moved) {
                continue;
            } catch (CorruptQueueFileException e) {
                throw new IOException("queue file of " + id + " does not decode: " + e.getMessage(), e);
            }
        }
        throw new IOException("message " + id + " kept moving while being read");
    }

    /**
     * The message bytes of a queued message (RFC 5322, as committed), or empty when it is not
     * queued (any more). The caller closes the stream.
     */
    Optional<InputStream> openContent(QueueId id) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Resident message = resident.get(id);
            if (message != null) {
                FileChannel reader = journal.acquireReader(message.segment);
                if (reader == null) {
                    continue; // checkpointed meanwhile: in files now
                }
                return Optional.of(new BoundedChannelStream(reader, message.msgPosition, message.msgLength,
                        () -> journal.releaseReader(message.segment)));
            }
            Optional<String> state = stateOnDisk(id);
            if (state.isEmpty()) {
                if (resident.containsKey(id)) {
                    continue;
                }
                return Optional.empty();
            }
            try {
                return Optional.of(Files.newInputStream(layout.msg(state.get(), id)));
            } catch (NoSuchFileException moved) {
                continue;
            }
        }
        throw new IOException("message " + id + " kept moving while being read");
    }

    /**
     * Records a new envelope state and moves the message to {@code state} ({@code incoming},
     * {@code active}, {@code deferred} or {@code hold}); durable on return. A message in the
     * journal gets a {@link JournalRecord#STATE} record (group commit); one in files gets its
     * {@code .env} replaced ({@code .env.new}, fsync, rename) and, if the state changes, both
     * files renamed ({@code .msg} first) and the directories fsynced.
     *
     * @return false when the message is not queued (any more)
     */
    boolean update(EnvelopeFile envelope, String state) throws IOException {
        if (!QueueLayout.STATES.contains(state) || state.equals(QueueLayout.CORRUPT)) {
            throw new IllegalArgumentException("not a queue state: " + state);
        }
        QueueId id = envelope.id();
        byte[] env = envelope.encode();
        ReentrantLock stripe = stripe(id);
        stripe.lock();
        try {
            Resident message = resident.get(id);
            if (message != null) {
                IntakeJournal.Ticket ticket = journal.append(JournalRecord.state(id, env, state).encode());
                try {
                    journal.awaitDurable(ticket);
                } finally {
                    journal.finished(ticket, null);
                }
                message.envSegment = ticket.segment().path;
                message.envPosition = ticket.start() + JournalRecord.envOffset(id);
                message.envLength = env.length;
                message.state = state;
                return true;
            }
            Optional<String> current = stateOnDisk(id);
            if (current.isEmpty()) {
                return false;
            }
            String from = current.get();
            Path envFile = layout.env(from, id);
            Path tmpEnv = envFile.resolveSibling(id.value() + QueueLayout.ENV + QueueLayout.NEW);
            Files.deleteIfExists(tmpEnv); // left by an update that failed half-way
            QueueLayout.writeSynced(tmpEnv, env);
            Files.move(tmpEnv, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!from.equals(state)) {
                // .msg first, .env last: the .env says where the message is (recovery re-joins a
                // .msg that went ahead).
                Files.move(layout.msg(from, id), layout.msg(state, id), StandardCopyOption.ATOMIC_MOVE);
                Files.move(envFile, layout.env(state, id), StandardCopyOption.ATOMIC_MOVE);
                stateSyncs.get(state).sync();
            }
            stateSyncs.get(from).sync();
            return true;
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Removes a message (delivered, bounced, or deleted by an operator); durable on return, so a
     * restart does not bring it back. A message in the journal gets a {@link JournalRecord#CANCEL}
     * record; one in files loses its {@code .env} (which defines existence), then its {@code .msg}.
     *
     * @return false when the message was not queued
     */
    boolean remove(QueueId id) throws IOException {
        return remove(id, true);
    }

    /**
     * Removes a message that has left for good (every recipient delivered, or bounced with the bounce
     * queued) without waiting for its cancel record to reach stable storage: the next group commit,
     * or at the latest the checkpoint of its segment, takes the record along. The record is in the
     * page cache on return, so a crash of the relay process changes nothing; a crash of the machine
     * before the next fsync brings the message back and it is delivered again: at-least-once, as
     * with Postfix, which unlinks a delivered queue file without an fsync. An operator's delete uses
     * {@link #remove}. Why: the wait cost every delivery a thread hand-off, and the relay about a
     * third of its fsyncs (0.83 to 0.58 per message end to end, docs/performance-notes.md).
     *
     * @return false when the message was not queued
     */
    boolean removeDelivered(QueueId id) throws IOException {
        return remove(id, false);
    }

    private boolean remove(QueueId id, boolean durable) throws IOException {
        ReentrantLock stripe = stripe(id);
        stripe.lock();
        try {
            Resident message = resident.remove(id);
            if (message != null) {
                IntakeJournal.Ticket ticket;
                try {
                    ticket = journal.append(JournalRecord.cancel(id).encode());
                } catch (IOException e) {
                    if (durable) {
                        resident.put(id, message); // an operator's delete that did not happen
                        throw e;
                    }
                    // Delivered, so removed all the same (on a full disk, say): its segment is
                    // deleted once nothing in it is queued, and a crash before that delivers it
                    // again, the at-least-once of removeDelivered.
                    LOG.warn(LogLine.of("queue_cancel_unwritten").field("queue_id", id).field("error", e.getMessage()).toString());
                    return true;
                }
                try {
                    if (durable) {
                        journal.awaitDurable(ticket);
                    }
                } finally {
                    journal.finished(ticket, null);
                }
                return true;
            }
            Optional<String> state = stateOnDisk(id);
            if (state.isEmpty()) {
                return false;
            }
            Files.delete(layout.env(state.get(), id));
            Files.deleteIfExists(layout.msg(state.get(), id));
            stateSyncs.get(state.get()).sync();
            return true;
        } finally {
            stripe.unlock();
        }
    }

    /** Tells {@code listener} of every message committed from now on, after it is durable. */
    void onCommit(java.util.function.Consumer<EnvelopeFile> listener) {
        this.commitListener = listener;
    }

    /** The queued messages of this store, journal and files. */
    List<QueueEntry> listLive() throws IOException {
        return QueueListing.list(layout.root());
    }

    /** The state directory a queued message belongs to, or empty when it is not queued. */
    Optional<String> stateOf(QueueId id) {
        Resident message = resident.get(id);
        if (message != null) {
            return Optional.of(message.state);
        }
        return stateOnDisk(id);
    }

    /** Where {@code id} is now (tests). */
    Place place(QueueId id) {
        if (resident.containsKey(id)) {
            return Place.JOURNAL;
        }
        return stateOnDisk(id).isPresent() ? Place.FILES : Place.GONE;
    }

    /** The state directory holding {@code ID.env}, if any. */
    private Optional<String> stateOnDisk(QueueId id) {
        for (String state : QueueLayout.STATES) {
            if (!state.equals(QueueLayout.CORRUPT) && Files.exists(layout.env(state, id))) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /**
     * Direct path for large messages: write both files into {@code tmp/}, fsync each, rename
     * into {@code incoming/}, fsync {@code incoming/}.
     */
    private EnvelopeFile commitDirect(QueueId id, NewMessage message, MessageContent content) throws IOException {
        Path tmpMsg = layout.tmp().resolve(id.value() + QueueLayout.MSG);
        Path tmpEnv = layout.tmp().resolve(id.value() + QueueLayout.ENV);
        Path msg = layout.msg(QueueLayout.INCOMING, id);
        Path env = layout.env(QueueLayout.INCOMING, id);
        boolean committed = false;
        EnvelopeFile envelope;
        try {
            long size = writeMessage(tmpMsg, content);
            envelope = EnvelopeFile.initial(id, message, size);
            QueueLayout.writeSynced(tmpEnv, envelope.encode());
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
        return envelope;
    }

    /**
     * The messages in the queue at {@code directory}, in arrival order, for {@code mailq}. Safe to
     * call while a relay runs on the same directory; never modifies anything.
     */
    public static List<QueueEntry> list(Path directory) throws IOException {
        return QueueListing.list(directory);
    }

    /**
     * The bytes of a queued message in the queue at {@code directory}, from its files or from the
     * journal; empty when it is not queued. Read-only and safe next to a running relay (tests,
     * {@code queue show}).
     */
    public static Optional<byte[]> readContent(Path directory, QueueId id) throws IOException {
        QueueLayout layout = new QueueLayout(directory.toAbsolutePath().normalize());
        for (int attempt = 0; attempt < 2; attempt++) {
            for (String state : QueueLayout.STATES) {
                try {
                    if (Files.exists(layout.env(state, id))) {
                        return Optional.of(Files.readAllBytes(layout.msg(state, id)));
                    }
                } catch (NoSuchFileException moved) {
                    // Moved by the relay meanwhile: look again.
                }
            }
            Optional<byte[]> inJournal = JournalReplay.content(layout, id);
            if (inJournal.isPresent()) {
                return inJournal;
            }
        }
        return Optional.empty();
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

    /** What the checkpointer does every interval, as of {@code nowNanos} (tests: retention). */
    void checkpointDue(long nowNanos) throws IOException {
        journal.checkpointDue(nowNanos);
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
