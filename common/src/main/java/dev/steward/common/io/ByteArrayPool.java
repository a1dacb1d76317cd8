package dev.steward.common.io;

/**
 * A bounded pool of byte arrays of one length, for buffers that a busy server would otherwise
 * allocate per message: the intake's spool of a message over 8 KiB and the journal record it
 * becomes. Allocated per message, 64 KiB messages made the relay allocate six times their size and
 * collect its young generation every 50 ms, copying the arrays in use each time (session 13's
 * allocation profile, docs/performance-notes.md). A pooled array outlives its message and is not
 * copied again once it is old.
 *
 * <p>{@link #take()} never waits: it returns a pooled array or a new one. {@link #give} keeps an
 * array of the pool's length while fewer than {@code maxPooled} are kept and drops it otherwise, so
 * an idle server holds at most {@code length * maxPooled} bytes here. Arrays come back with their
 * old content: callers track how much of an array they have written.
 *
 * <p>Thread safety: thread-safe (one lock, held for a few instructions).
 */
public final class ByteArrayPool {

    private final int length;
    private final byte[][] kept;
    private int count; // guarded by this: arrays in kept[0, count)

    /**
     * @param length    the length of every array the pool hands out
     * @param maxPooled how many returned arrays it keeps at most (0: none, every take allocates)
     */
    public ByteArrayPool(int length, int maxPooled) {
        if (length < 1 || maxPooled < 0) {
            throw new IllegalArgumentException("length must be >= 1 and maxPooled >= 0, were " + length + " and " + maxPooled);
        }
        this.length = length;
        this.kept = new byte[maxPooled][];
    }

    /** The length of the arrays this pool hands out. */
    public int length() {
        return length;
    }

    /** A pooled array if one is kept, else a new one; {@link #length()} bytes either way. */
    public byte[] take() {
        synchronized (this) {
            if (count > 0) {
                byte[] array = kept[--count];
                kept[count] = null;
                return array;
            }
        }
        return new byte[length];
    }

    /**
     * Returns an array the caller no longer uses. One of another length is ignored (left to the
     * garbage collector), as is one more than the pool keeps.
     */
    public void give(byte[] array) {
        if (array == null || array.length != length) {
            return;
        }
        synchronized (this) {
            if (count < kept.length) {
                kept[count++] = array;
            }
        }
    }

    /** Arrays kept right now, for tests. */
    public synchronized int kept() {
        return count;
    }
}
