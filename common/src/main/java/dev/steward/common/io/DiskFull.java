package dev.steward.common.io;

import java.nio.file.FileSystemException;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells a full disk or quota from other I/O errors, so callers can answer "try again when there
 * is space" (SMTP 452 4.3.1) rather than a generic local error.
 *
 * <p>Thread safety: stateless.
 */
public final class DiskFull {

    private DiskFull() {
    }

    /**
     * Whether {@code failure}, one of its causes or suppressed exceptions reports ENOSPC ("No
     * space left on device") or EDQUOT ("Disk quota exceeded"). The JDK gives no errno, only the
     * strerror text (in {@link FileSystemException#getReason()} or the plain IOException message);
     * these texts are glibc's and are not translated by the JDK.
     */
    public static boolean isDiskFull(Throwable failure) {
        return isDiskFull(failure, new HashSet<>());
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
