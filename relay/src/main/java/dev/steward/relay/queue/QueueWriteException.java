package dev.steward.relay.queue;

import dev.steward.common.io.DiskFull;


/**
 * A commit failed: the message is not queued and must not be acknowledged. The intake replies
 * {@code 452 4.3.1} when {@link #diskFull()} (ENOSPC or EDQUOT) and {@code 451 4.3.0} otherwise
 * (RFC 3463 §3.4), and logs this exception, never its text to the client.
 */
public final class QueueWriteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean diskFull;

    public QueueWriteException(boolean diskFull, String message, Throwable cause) {
        super(message, cause);
        this.diskFull = diskFull;
    }

    /** True when the file system is full or the quota is exhausted (→ 452 4.3.1). */
    public boolean diskFull() {
        return diskFull;
    }

    /** Whether the failure means a full disk or quota: see {@link DiskFull#isDiskFull(Throwable)}. */
    public static boolean isDiskFull(Throwable failure) {
        return DiskFull.isDiskFull(failure);
    }
}
