package dev.steward.relay.queue;

import java.nio.file.FileSystemException;
import java.util.HashSet;
import java.util.Set;

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

    /**
     * Whether {@code failure}, one of its causes or suppressed exceptions reports ENOSPC ("No
     * space left on device") or EDQUOT ("Disk quota exceeded"). The JDK gives no errno, only the
     * strerror text (in {@link FileSystemException#getReason()} or the plain IOException message);
     * these texts are glibc's and are not translated by the JDK.
     */
    public static boolean isDiskFull(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        return isDiskFull(failure, seen);
    }

    private static boolean isDiskFull(Throwable failure, Set<Throwable> seen) {
        if (failure == null || !seen.add(failure)) {
            return false;
        }
        String text = failure instanceof FileSystemException fileSystem && fileSystem.getReason() != null
                ? fileSystem.getReason()
                : failure.getMessage();
        if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
            return true;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (isDiskFull(suppressed, seen)) {
                return true;
            }
        }
        return isDiskFull(failure.getCause(), seen);
    }
}
