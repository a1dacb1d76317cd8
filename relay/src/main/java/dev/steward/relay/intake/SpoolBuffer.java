package dev.steward.relay.intake;

import dev.steward.common.io.ByteArrayPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where DATA goes while it is read: memory up to a threshold, then a spill file, so a hundred
 * sessions sending 25 MiB each never need 2.5 GiB of heap. The header section must lie in the
 * memory part ({@link #memory()}); cleanup refuses messages whose header is larger.
 *
 * <p>The memory part starts as the session's own 8 KiB array, enough for most messages. A larger
 * message gets an array of {@code memoryLimit} bytes from the intake's {@link ByteArrayPool} (one
 * step, no doubling and copying), and {@link #reset()} gives it back: in steady state a 64 KiB
 * message allocates nothing here.
 *
 * <p>Thread safety: single-threaded (one per session, reused across its messages). The array
 * {@link #memory()} returns is valid until the next {@link #reset()}.
 */
public final class SpoolBuffer extends OutputStream {

    private static final int SMALL = 8192;

    private final int memoryLimit;
    private final Path spillDirectory;
    private final ByteArrayPool large;      // arrays of memoryLimit bytes
    private final byte[] small = new byte[SMALL];
    private byte[] memory = small;          // small, or one of large's arrays
    private int memoryUsed;                  // bytes valid in memory
    private Path spillFile;                  // null until the memory part is full
    private OutputStream spill;              // open while writing past memoryLimit
    private long size;                       // total bytes written since reset
    private IOException failure;             // first spill write failure since reset, or null

    /** @param large where arrays for more than 8 KiB come from; their length must be {@code memoryLimit} or more */
    public SpoolBuffer(int memoryLimit, Path spillDirectory, ByteArrayPool large) {
        if (large.length() < memoryLimit) {
            throw new IllegalArgumentException("pooled arrays of " + large.length() + " bytes are shorter than the memory limit "
                    + memoryLimit);
        }
        this.memoryLimit = memoryLimit;
        this.spillDirectory = spillDirectory;
        this.large = large;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int toMemory = Math.min(length, memoryLimit - memoryUsed);
        if (toMemory > 0) {
            if (memoryUsed + toMemory > memory.length) {
                byte[] larger = large.take(); // only ever from small: a pooled array holds memoryLimit
                System.arraycopy(memory, 0, larger, 0, memoryUsed);
                memory = larger;
            }
            System.arraycopy(bytes, offset, memory, memoryUsed, toMemory);
            memoryUsed += toMemory;
        }
        int rest = length - toMemory;
        if (rest > 0 && failure == null) {
            // A spill failure (disk full) is remembered, not thrown: the DATA reader must go on
            // reading to the end of data so the session stays in sync; the intake then refuses.
            try {
                if (spill == null) {
                    spillFile = Files.createTempFile(spillDirectory, "spool-", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    spill = Files.newOutputStream(spillFile, StandardOpenOption.WRITE);
                }
                spill.write(bytes, offset + toMemory, rest);
            } catch (IOException spillFailure) {
                failure = spillFailure;
            }
        }
        size += length;
    }

    /** The first error writing the spill file since the last reset, or null. */
    public IOException failure() {
        return failure;
    }

    /** Total bytes written. */
    public long size() {
        return size;
    }

    /** The bytes held in memory: the first {@link #memoryLength()} bytes of the content. */
    public byte[] memory() {
        return memory;
    }

    public int memoryLength() {
        return memoryUsed;
    }

    /** Whether every byte is in memory. */
    public boolean inMemory() {
        return spillFile == null;
    }

    /** Writes bytes {@code [from, size)} of the content to {@code out}. */
    public void writeTo(OutputStream out, int from) throws IOException {
        if (from < memoryUsed) {
            out.write(memory, from, memoryUsed - from);
        }
        if (spillFile != null) {
            spill.flush();
            try (InputStream in = Files.newInputStream(spillFile)) {
                if (from > memoryUsed) {
                    in.skipNBytes(from - memoryUsed);
                }
                in.transferTo(out);
            }
        }
    }

    /** Forgets the content and deletes the spill file; the buffer can take the next message. */
    public void reset() throws IOException {
        memoryUsed = 0;
        size = 0;
        failure = null;
        if (memory != small) {
            large.give(memory); // no idle session pins a large array
            memory = small;
        }
        if (spill != null) {
            try {
                spill.close();
            } finally {
                spill = null;
                Files.deleteIfExists(spillFile);
                spillFile = null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        reset();
    }
}
