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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue directories of one relay: durable commit of new messages, startup recovery, and the
 * read-only listing behind {@code mailq}. See the package documentation for the layout.
 *
 * <p>Commit protocol ({@link #commit}): write {@code tmp/ID.msg} and {@code tmp/ID.env} (mode
 * 0600), fsync each, rename the {@code .msg} into {@code incoming/}, then the {@code .env}, then
 * fsync {@code incoming/} (shared between concurrent committers, see {@link DirectorySync}), and
 * only then return. <b>A message exists exactly when its {@code .env} is in a state directory</b>:
 * the {@code .env} is renamed last, so a crash between the renames leaves a {@code .msg} alone,
 * which recovery deletes; the client got no 250 for it. {@code tmp/} is never fsynced: what is in
 * it after a crash is deleted anyway.
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

    private final QueueLayout layout;
    private final RecoveryReport recovery;
    private final DirectorySync incomingSync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean(); // set once by close()

    private QueueStore(QueueLayout layout, RecoveryReport recovery, boolean groupCommit,
            FileChannel lockChannel, FileLock lock) {
        this.layout = layout;
        this.recovery = recovery;
        this.incomingSync = new DirectorySync(layout.state(QueueLayout.INCOMING), groupCommit);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directories (mode 0700) if needed, takes the queue lock, and runs recovery. */
    public static QueueStore open(Path directory) throws IOException {
        return open(directory, true);
    }

    /** {@code groupCommit = false} makes every commit fsync {@code incoming/} itself (benchmark). */
    static QueueStore open(Path directory, boolean groupCommit) throws IOException {
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
            return new QueueStore(layout, QueueRecovery.run(layout), groupCommit, lockChannel, lock);
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
            return id;
        } catch (IOException e) {
            boolean diskFull = QueueWriteException.isDiskFull(e);
            throw new QueueWriteException(diskFull, "cannot queue message " + id + " in " + layout.root()
                    + (diskFull ? " (file system full)" : "") + ": " + e.getMessage(), e);
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

    /** Releases the queue lock; later commits throw {@link IllegalStateException}. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
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
     * within a process, but after a restart with the clock set back one might.
     */
    private QueueId unusedId() {
        while (true) {
            QueueId id = QueueId.next();
            boolean used = Files.exists(layout.msg(QueueLayout.INCOMING, id));
            for (String state : QueueLayout.STATES) {
                used |= Files.exists(layout.env(state, id));
            }
            if (!used) {
                return id;
            }
        }
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
