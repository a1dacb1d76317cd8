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
 * Commit throughput with and without group commit; prints a table, asserts nothing. Not a test
 * (timing depends on the disk). Run after {@code mvnw -pl relay -am verify}:
 *
 * <pre>
 * java -cp relay/target/test-classes:relay/target/classes:'relay/target/lib/*' \
 *     dev.steward.relay.queue.QueueCommitBenchmark [directory] [seconds per cell]
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
        System.out.printf(Locale.ROOT, "%-8s %-6s %-7s %10s %12s %14s %12s%n",
                "threads", "size", "group", "commits", "commits/s", "dir fsyncs", "p50 ms/commit");
        for (int size : new int[] {1024, 64 * 1024}) {
            for (int threads : new int[] {1, 10, 50}) {
                for (boolean group : new boolean[] {false, true}) {
                    run(root, threads, size, group, seconds);
                }
            }
        }
    }

    private static void run(Path root, int threads, int size, boolean group, double seconds) throws Exception {
        deleteTree(root);
        MessageContent content = TestMessages.content(TestMessages.bytes(size));
        NewMessage envelope = TestMessages.envelope("bob@example.org");
        try (QueueStore store = QueueStore.open(root, group);
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
            System.out.printf(Locale.ROOT, "%-8d %-6s %-7s %10d %12.0f %14d %12.2f%n", threads,
                    size / 1024 + "KiB", group ? "on" : "off", all.size(), all.size() / elapsed,
                    store.directorySyncs(), all.get(all.size() / 2) / 1e6);
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
