package dev.steward.agent.bench;

import dev.steward.agent.JobStatus;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code steward bench [--quick] [--dir DIR] [--network-url URL] [--threads N] [--json]}: runs the
 * benchmarks by hand on this server with a progress display, then prints the figures as a table or,
 * with {@code --json}, the job result's {@code details} object. Progress goes to standard error, the
 * result to standard output. Exit code 0 when every test ran, 1 when one failed, 2 for a usage error.
 *
 * <p>A main class of the agent module (the relay's CLI cannot depend on the agent): the launcher runs
 * it as {@code java -cp agent/target/steward-agent.jar:agent/target/lib/* dev.steward.agent.bench.BenchCommand bench ARGS}.
 */
public final class BenchCommand {

    static final String USAGE = """
            usage: steward bench [--quick] [--dir DIR] [--network-url URL] [--threads N] [--json]
              --quick            small sizes and short run times (16 MiB files, 2 s runs) instead of the
                                 provider's full profile (4 x 512 MiB, up to 240 s per disk test, 4 GiB mixed)
              --dir DIR          the directory on the disk to measure (default /var/tmp; not a tmpfs)
              --network-url URL  an HTTP(S) URL to download for the network test (skipped without one)
              --threads N        sysbench threads (default: the number of vCPUs)
              --json             print the result's details as JSON instead of a table
            """;

    private BenchCommand() {
    }

    /**
     * Runs the command and exits with its exit code. The launcher passes its whole command line, so
     * a leading {@code bench} is dropped: {@code BenchCommand bench --quick} and
     * {@code BenchCommand --quick} are the same.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, BenchmarkConfig.defaults()));
    }

    /** The parsed command line. */
    record Options(boolean quick, String dir, String networkUrl, int threads, boolean json) {

        static Options parse(String[] args) {
            boolean quick = false;
            boolean json = false;
            String dir = null;
            String url = null;
            int threads = 0;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--quick" -> quick = true;
                    case "--json" -> json = true;
                    case "--dir" -> dir = value(args, ++i, arg);
                    case "--network-url" -> url = value(args, ++i, arg);
                    case "--threads" -> {
                        String value = value(args, ++i, arg);
                        try {
                            threads = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            threads = -1;
                        }
                        if (threads <= 0) {
                            throw new IllegalArgumentException("--threads needs a positive number, not " + value);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            return new Options(quick, dir, url, threads, json);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        BenchmarkJob job() {
            return new BenchmarkJob("manual-" + UUID.randomUUID(), quick ? BenchmarkProfile.QUICK : BenchmarkProfile.FULL,
                    dir, networkUrl, threads);
        }
    }

    /** Runs {@code steward bench ARGS} with {@code config}; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, BenchmarkConfig config) {
        if (args.length > 0 && args[0].equals("bench")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("steward bench: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        BenchmarkJob job = options.job();
        err.printf("steward bench: %s profile in %s, %d sysbench threads%n", job.profile().wire(), job.targetDir(),
                job.effectiveThreads());
        BenchmarkResult result;
        try (TerminalProgress progress = new TerminalProgress(err, System.console() != null)) {
            result = new BenchmarkExecutor(config, Clock.systemUTC()).run(job, progress);
        }
        if (options.json()) {
            out.println(result.detailsText());
        } else {
            out.print(table(result));
        }
        return result.status() == JobStatus.SUCCEEDED ? 0 : 1;
    }

    /** The figures as aligned text, then each failed test's reason. */
    static String table(BenchmarkResult result) {
        StringBuilder text = new StringBuilder();
        BenchmarkDetails details = result.details();
        text.append("Benchmark, ").append(details.profile().wire()).append(" profile (")
                .append(String.join(", ", details.tools().values())).append("): ").append(result.status().wire())
                .append('\n');
        for (Figure figure : details.figures()) {
            text.append(String.format(Locale.ROOT, "  %-40s %14s %s%n", figure.name(), format(figure.value()),
                    figure.unit()));
        }
        for (TestRun run : details.tests()) {
            if (run.status() != TestRun.Status.SUCCEEDED) {
                text.append("  ").append(run.name()).append(": ").append(run.status().wire()).append(": ")
                        .append(run.error()).append('\n');
                for (String line : run.outputTail()) {
                    text.append("    | ").append(line).append('\n');
                }
            }
        }
        return text.toString();
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * Prints each test as it starts and ends; on a terminal also the seconds it has been running,
     * rewritten in place once a second.
     */
    static final class TerminalProgress implements BenchmarkProgress, AutoCloseable {
        private final PrintStream err;
        private final ScheduledExecutorService ticker;
        private ScheduledFuture<?> tick;
        private long startNanos;

        TerminalProgress(PrintStream err, boolean terminal) {
            this.err = err;
            this.ticker = terminal ? Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory()) : null;
        }

        @Override
        public synchronized void started(int index, int count, String test, String description) {
            startNanos = System.nanoTime();
            err.printf("[%d/%d] %s: %s%n", index, count, test, description);
            if (ticker != null) {
                tick = ticker.scheduleAtFixedRate(this::showElapsed, 1, 1, TimeUnit.SECONDS);
            }
        }

        private synchronized void showElapsed() {
            err.printf("\r      running for %d s ", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
            err.flush();
        }

        @Override
        public synchronized void finished(TestRun run, List<Figure> figures) {
            if (tick != null) {
                tick.cancel(false);
                tick = null;
                err.print("\r");
            }
            List<String> shown = new ArrayList<>();
            for (Figure figure : figures) {
                if (figure.higherIsBetter()) {
                    String rest = figure.name().substring(figure.test().length() + 1);
                    String direction = rest.startsWith("read_") ? "read " : rest.startsWith("write_") ? "write " : "";
                    shown.add(direction + format(figure.value()) + " " + figure.unit());
                }
            }
            switch (run.status()) {
                case SUCCEEDED -> err.printf(Locale.ROOT, "      done in %.1f s: %s%n", run.seconds(), String.join(", ", shown));
                case FAILED -> err.printf(Locale.ROOT, "      FAILED after %.1f s: %s%n", run.seconds(), run.error());
                case SKIPPED -> err.printf("      skipped: %s%n", run.error());
            }
        }

        @Override
        public void close() {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
    }
}
