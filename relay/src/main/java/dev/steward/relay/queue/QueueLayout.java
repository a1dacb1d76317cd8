package dev.steward.relay.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Names and permissions of the queue directories and files, and the fsync primitives. The root is
 * the {@code [queue] directory}; it holds {@code incoming active deferred hold corrupt tmp journal}.
 *
 * <p>Thread safety: immutable.
 */
record QueueLayout(Path root) {

    static final String INCOMING = "incoming";
    static final String ACTIVE = "active";
    static final String DEFERRED = "deferred";
    static final String HOLD = "hold";
    static final String CORRUPT = "corrupt";
    static final String TMP = "tmp";
    static final String JOURNAL = "journal";
    /** In {@code tmp/}: the empty file the journal's next segment is renamed from (see IntakeJournal). */
    static final String JOURNAL_SPARE = "journal-segment.spare";
    /** In {@code tmp/}: a checkpointed segment's file, kept to become the next spare (see IntakeJournal). */
    static final String JOURNAL_RECYCLED = "journal-segment.recycled";

    /** Where a message can live, in {@code mailq} order; {@code tmp} is not a state. */
    static final List<String> STATES = List.of(INCOMING, ACTIVE, DEFERRED, HOLD, CORRUPT);

    static final String MSG = ".msg";
    static final String ENV = ".env";
    static final String NEW = ".new";

    static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    Path state(String name) {
        return root.resolve(name);
    }

    Path tmp() {
        return root.resolve(TMP);
    }

    Path journal() {
        return root.resolve(JOURNAL);
    }

    Path journalSpare() {
        return tmp().resolve(JOURNAL_SPARE);
    }

    Path journalRecycled() {
        return tmp().resolve(JOURNAL_RECYCLED);
    }

    Path msg(String state, QueueId id) {
        return root.resolve(state).resolve(id.value() + MSG);
    }

    Path env(String state, QueueId id) {
        return root.resolve(state).resolve(id.value() + ENV);
    }

    void createDirectories() throws IOException {
        Files.createDirectories(root, DIRECTORY_MODE);
        for (String name : STATES) {
            createDirectory(root.resolve(name));
        }
        createDirectory(tmp());
        createDirectory(journal());
    }

    private static void createDirectory(Path directory) throws IOException {
        try {
            Files.createDirectory(directory, DIRECTORY_MODE);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
    }

    /** The id of {@code ID.msg} / {@code ID.env}, or empty when the name is something else. */
    static Optional<QueueId> idOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(QueueId.parse(fileName.substring(0, fileName.length() - suffix.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** fsync of a directory, so that renames into it survive a crash (Linux; not Windows). */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes a new file (mode 0600) and fsyncs it. */
    static void writeSynced(Path file, byte[] bytes) throws IOException {
        write(file, bytes, true);
    }

    /** Writes a new file (mode 0600), fsynced only when {@code sync}. */
    static void write(Path file, byte[] bytes, boolean sync) throws IOException {
        write(file, ByteBuffer.wrap(bytes), sync);
    }

    /** Writes a new file (mode 0600) with the remaining bytes of {@code buffer}. */
    static void write(Path file, ByteBuffer buffer, boolean sync) throws IOException {
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (sync) {
                channel.force(true);
            }
        }
    }
}
