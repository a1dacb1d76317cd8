package dev.steward.agent.daemon;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/** Writes a file atomically and durably: a private temporary file, fsync, rename, fsync of the directory. Stateless. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code text} (mode 0600): readers see the old or the new content, never a part. */
    static void write(Path file, String text) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            // java.io, not a FileChannel: an interrupt (the daemon stopping) must not close the file mid-write.
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.getFD().sync();
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException impossible) {
                throw new IOException("cannot rename atomically within " + directory, impossible);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory(directory);
    }

    /** Makes a rename or delete in {@code directory} durable. */
    static void syncDirectory(Path directory) throws IOException {
        boolean interrupted = Thread.interrupted(); // a FileChannel closes itself on interrupt
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (ClosedByInterruptException late) {
            interrupted = true; // the rename is done; only its durability waits for the next sync
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
