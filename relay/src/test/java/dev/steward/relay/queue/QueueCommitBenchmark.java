package dev.steward.relay.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Commit throughput through the intake journal (group commit, files fsynced later by the
 * checkpointer) and through the direct path (two file fsyncs and a shared directory fsync per
 * commit); prints a table, asserts nothing. Not a test
 * (timing depends on the disk). Run after {@code mvnw -pl relay -am verify}:
 *
 * <pre>
 * java -cp relay/target/test-classes:relay/target/classes:'relay/target/lib/*' \
 *     dev.steward.relay.queue.QueueCommitBenchmark [directory] [seconds per cell] [threads/size/path]
 * </pre>
 *
 * The directory must be on the disk to measure (default {@code relay/target/bench-queue}, not
 * {@code /tmp}, which may be tmpfs). Each committer is a virtual thread, as intake sessions are.
 */
public final class QueueCommitBenchmark {

    private QueueCommitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "relay/target/bench-queue");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        System.out.printf(Locale.ROOT, "%-8s %-6s %-8s %9s %10s %8s %12s %9s %9s %10s%n",
                "threads", "size", "path", "commits", "commits/s", "fsyncs", "commits/sync", "p50 ms", "p99 ms", "ckpt msg/s");
        String only = args.length > 2 ? args[2] : ""; // e.g. "50/1KiB/journal": one cell
        // A fresh directory per cell, all deleted at the end: on ext4 without a journal, creating
        // files right after deleting tens of thousands is slow (recently_deleted() scans the
        // inode table), which would charge one cell for the previous cell's cleanup.
        deleteTree(root);
        for (int size : new int[] {1024, 64 * 1024}) {
            for (int threads : new int[] {1, 10, 50}) {
                for (boolean journal : new boolean[] {false, true}) {
                    String cell = threads + "/" + size / 1024 + "KiB/" + (journal ? "journal" : "direct");
                    if (only.isEmpty() || only.equals(cell)) {
                        run(root.resolve(cell.replace('/', '-')), threads, size, journal, seconds);
                    }
                }
            }
        }
        deleteTree(root);
    }

    private static void run(Path root, int threads, int size, boolean journal, double seconds) throws Exception {
        MessageContent content = TestMessages.content(TestMessages.bytes(size));
        NewMessage envelope = TestMessages.envelope("bob@example.org");
        // The timed part ends before close(), so the final checkpoint is not counted; with the
        // default 30 s interval no checkpoint runs during a cell of a few seconds either.
        QueueStore store = QueueStore.open(root, journal ? QueueStore.JOURNAL_LIMIT : -1,
                IntakeJournal.DEFAULT_CHECKPOINT_INTERVAL);
        try (store;
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<List<Long>>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    List<Long> latencies = new ArrayList<>();
                    while (System.nanoTime() < deadline) {
                        long begin = System.nanoTime();
                        store.commit(envelope, content);
                        latencies.add(System.nanoTime() - begin);
                    }
                    return latencies;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> future : futures) {
                all.addAll(future.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            all.sort(null);
            long syncs = journal ? store.journalForces() : 2L * all.size() + store.directorySyncs();
            // What the checkpointer must sustain: fsync every file written from the journal.
            long checkpointStart = System.nanoTime();
            store.checkpointNow();
            double checkpointSeconds = (System.nanoTime() - checkpointStart) / 1e9;
            System.out.printf(Locale.ROOT, "%-8d %-6s %-8s %9d %10.0f %8d %12.1f %9.2f %9.2f %10s%n", threads,
                    size / 1024 + "KiB", journal ? "journal" : "direct", all.size(), all.size() / elapsed,
                    syncs, all.size() / (double) Math.max(1, syncs), all.get(all.size() / 2) / 1e6,
                    all.get((int) (all.size() * 0.99)) / 1e6,
                    journal ? String.format(Locale.ROOT, "%.0f", all.size() / checkpointSeconds) : "-");
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
