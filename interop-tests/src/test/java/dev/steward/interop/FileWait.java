package dev.steward.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for something to appear in a directory: re-checks a condition each time the directory
 * changes (java.nio WatchService, inotify on Linux), bounded by a deadline. Thread-safe (no state).
 */
final class FileWait {
    /** Re-check at least this often even without an event: a directory created late has no watch. */
    private static final long RECHECK_MILLIS = 250;

    private FileWait() {}

    /**
     * Returns the condition's first non-empty answer, or empty after {@code timeout}. The directory
     * is created when missing so that it can be watched from the start.
     */
    static <T> Optional<T> until(Path directory, Duration timeout, Supplier<Optional<T>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            Files.createDirectories(directory);
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            while (true) {
                Optional<T> answer = condition.get();
                if (answer.isPresent()) {
                    return answer;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return Optional.empty();
                }
                var key = watcher.poll(Math.min(left, RECHECK_MILLIS), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory, e);
        } catch (ClosedWatchServiceException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
