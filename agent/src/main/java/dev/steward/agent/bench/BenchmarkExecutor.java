package dev.steward.agent.bench;

import dev.steward.agent.JobStatus;
import dev.steward.agent.os.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs a benchmark job (SPEC-2): the seed's three fio tests, sysbench's CPU and memory tests and a
 * network download, in that order, and turns their output into {@link Figure}s.
 *
 * <ul>
 *   <li>fio runs in a temporary directory {@code steward-bench-*} created in the job's target
 *       directory; each test's files are deleted when it ends and the directory when the job ends,
 *       whatever happened. A test whose files would leave less than
 *       {@link BenchmarkConfig#diskReserveBytes()} free is not run.</li>
 *   <li>Every command has a deadline ({@link BenchmarkProfile#fioTimeout()},
 *       {@link BenchmarkProfile#sysbenchTimeout()}, at most {@link BenchmarkConfig#timeoutCap()});
 *       at the deadline its process group is killed
 *       ({@link CommandRunner}). Output is bounded: the last 200 lines are kept, fio's JSON report
 *       is read from a file of at most 4 MiB.</li>
 *   <li>A failing test does not stop the others; the job then fails with the figures of the tests
 *       that succeeded. A missing tool fails its tests with the command that installs it.</li>
 * </ul>
 *
 * <p>Thread safety: stateless apart from its configuration; one job at a time per instance is the
 * intended use (two concurrent benchmarks measure each other).
 */
public final class BenchmarkExecutor {

    private static final int KEEP_LINES = 200;
    private static final long MAX_FIO_JSON = 4L << 20;

    private final BenchmarkConfig config;
    private final Clock clock;
    private final CommandRunner runner;

    /** An executor with {@code config}, timing with {@code clock}. */
    public BenchmarkExecutor(BenchmarkConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runner = new CommandRunner(clock);
    }

    /** Runs {@code job} without a progress display. */
    public BenchmarkResult run(BenchmarkJob job) {
        return run(job, BenchmarkProgress.NONE);
    }

    /** Runs {@code job}, telling {@code progress} about each test. */
    public BenchmarkResult run(BenchmarkJob job, BenchmarkProgress progress) {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        BenchmarkProfile profile = job.profile();
        int threads = job.effectiveThreads();
        Map<String, String> tools = new LinkedHashMap<>();
        String fioMissing = version(config.fio(), "fio", tools);
        String sysbenchMissing = version(config.sysbench(), "sysbench", tools);

        List<FioTest> fioTests = profile.fioTests();
        int count = fioTests.size() + 3;
        int index = 0;
        List<TestRun> runs = new ArrayList<>();
        List<Figure> figures = new ArrayList<>();

        Path workDir = null;
        String workDirProblem = null;
        if (!Files.isDirectory(Path.of(job.targetDir()))) {
            workDirProblem = "the target directory " + job.targetDir() + " does not exist (or is not a directory)";
        } else {
            try {
                workDir = Files.createTempDirectory(Path.of(job.targetDir()), "steward-bench-");
            } catch (IOException | RuntimeException e) {
                workDirProblem = "cannot create a temporary directory in " + job.targetDir() + ": " + e;
            }
        }
        try {
            for (FioTest test : fioTests) {
                progress.started(++index, count, test.name(), test.description());
                Step step = fioMissing != null ? Step.failed(test.name(), "fio", test.description(), fioMissing)
                        : workDirProblem != null ? Step.failed(test.name(), "fio", test.description(), workDirProblem)
                        : fio(test, profile, workDir);
                record(step, runs, figures, progress);
            }
            progress.started(++index, count, "cpu", "sysbench cpu, primes up to 10000, " + threads + " threads");
            record(sysbenchMissing != null ? Step.failed("cpu", "sysbench", "sysbench cpu", sysbenchMissing)
                    : sysbench("cpu", profile.sysbenchCpu(threads), profile), runs, figures, progress);
            progress.started(++index, count, "memory", "sysbench memory, 1 KiB blocks, writes, " + threads + " threads");
            record(sysbenchMissing != null ? Step.failed("memory", "sysbench", "sysbench memory", sysbenchMissing)
                    : sysbench("memory", profile.sysbenchMemory(threads), profile), runs, figures, progress);
            progress.started(++index, count, "network", job.networkUrl() == null ? "network download (no URL: skipped)"
                    : "network download from " + job.networkUrl());
            record(network(job.networkUrl(), profile), runs, figures, progress);
        } finally {
            if (workDir != null) {
                deleteTree(workDir);
            }
        }

        boolean allRan = runs.stream().noneMatch(r -> r.status() == TestRun.Status.FAILED);
        BenchmarkDetails details = new BenchmarkDetails(job.jobId(), profile, startedAt.toString(),
                clock.instant().toString(), (System.nanoTime() - start) / 1e9, threads,
                Runtime.getRuntime().availableProcessors(), job.targetDir(), job.networkUrl(), tools, runs, figures);
        return new BenchmarkResult(allRan ? JobStatus.SUCCEEDED : JobStatus.FAILED, details);
    }

    /** A test's run and its figures. */
    private record Step(TestRun run, List<Figure> figures) {

        static Step failed(String name, String tool, String description, String error) {
            return new Step(new TestRun(name, tool, description, List.of(), TestRun.Status.FAILED, error, 0, List.of()),
                    List.of());
        }
    }

    private static void record(Step step, List<TestRun> runs, List<Figure> figures, BenchmarkProgress progress) {
        runs.add(step.run());
        figures.addAll(step.figures());
        progress.finished(step.run(), step.figures());
    }

    /** Puts the tool's version into {@code tools}; returns null, or why the tool cannot be used. */
    private String version(List<String> tool, String name, Map<String, String> tools) {
        List<String> command = new ArrayList<>(tool);
        command.add("--version");
        CommandRunner.Outcome outcome = runner.run(command, Map.of(), clock.instant().plusSeconds(30),
                config.killGrace(), 20);
        String first = outcome.outputTail().isEmpty() ? "" : outcome.outputTail().get(0).strip();
        if (!outcome.succeeded() || first.isEmpty()) {
            return name + " cannot be run (" + outcome.describe() + "); install it: apt-get install " + name;
        }
        tools.put(name, first);
        return null;
    }

    private Step fio(FioTest test, BenchmarkProfile profile, Path workDir) {
        Path data = workDir.resolve(test.name());
        Path report = workDir.resolve(test.name() + ".json");
        List<String> command = new ArrayList<>(config.fio());
        // --directory first: fio applies options in order, and a --filename before it would not get it.
        command.add("--directory=" + data);
        command.addAll(test.arguments());
        command.add("--output-format=json");
        command.add("--output=" + report);
        long start = System.nanoTime();
        try {
            Files.createDirectories(data);
            FileStore store = Files.getFileStore(data);
            long usable = store.getUsableSpace();
            long needed = test.bytesOnDisk() + config.diskReserveBytes();
            if (usable < needed) {
                return failed(test.name(), "fio", test.description(), command, start,
                        "not enough free space in " + workDir.getParent() + ": the test writes " + mib(test.bytesOnDisk())
                                + " MiB and " + mib(config.diskReserveBytes()) + " MiB must stay free, but only "
                                + mib(usable) + " MiB are", List.of());
            }
            Duration timeout = config.capped(profile.fioTimeout());
            CommandRunner.Outcome outcome = runner.run(command, Map.of(), clock.instant().plus(timeout),
                    config.killGrace(), KEEP_LINES);
            if (!outcome.succeeded()) {
                return failed(test.name(), "fio", test.description(), command, start,
                        "fio " + (outcome.deadlineReached() ? "was killed after " + timeout.toSeconds() + " s"
                                : "exited with " + outcome.exitCode()), outcome.outputTail());
            }
            if (!Files.isRegularFile(report) || Files.size(report) > MAX_FIO_JSON) {
                return failed(test.name(), "fio", test.description(), command, start,
                        "fio wrote no JSON report of at most " + mib(MAX_FIO_JSON) + " MiB to " + report,
                        outcome.outputTail());
            }
            FioReport parsed = FioReport.parse(Files.readString(report));
            return new Step(new TestRun(test.name(), "fio", test.description(), command, TestRun.Status.SUCCEEDED,
                    null, seconds(start), List.of()), parsed.figures(test));
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return failed(test.name(), "fio", test.description(), command, start, e.getMessage(), List.of());
        } finally {
            deleteTree(data);
        }
    }

    private Step sysbench(String name, List<String> arguments, BenchmarkProfile profile) {
        List<String> command = new ArrayList<>(config.sysbench());
        command.addAll(arguments);
        String description = "sysbench " + String.join(" ", arguments);
        long start = System.nanoTime();
        Duration timeout = config.capped(profile.sysbenchTimeout());
        CommandRunner.Outcome outcome = runner.run(command, Map.of(), clock.instant().plus(timeout),
                config.killGrace(), KEEP_LINES);
        if (!outcome.succeeded()) {
            return failed(name, "sysbench", description, command, start, "sysbench "
                    + (outcome.deadlineReached() ? "was killed after " + timeout.toSeconds() + " s"
                            : "exited with " + outcome.exitCode()), outcome.outputTail());
        }
        try {
            SysbenchReport report = SysbenchReport.parse(String.join("\n", outcome.outputTail()) + "\n");
            List<Figure> figures = name.equals("cpu") ? report.cpuFigures() : report.memoryFigures();
            return new Step(new TestRun(name, "sysbench", description, command, TestRun.Status.SUCCEEDED, null,
                    seconds(start), List.of()), figures);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return failed(name, "sysbench", description, command, start, e.getMessage(), outcome.outputTail());
        }
    }

    private Step network(String url, BenchmarkProfile profile) {
        String description = "HTTP download";
        if (url == null) {
            return new Step(new TestRun("network", "http", description, List.of(), TestRun.Status.SKIPPED,
                    "no network_url in the job", 0, List.of()), List.of());
        }
        List<String> command = List.of("GET", url);
        NetworkThroughput test = profile == BenchmarkProfile.QUICK
                ? new NetworkThroughput(Duration.ofSeconds(30), Math.min(64L << 20, config.network().maxBytes()))
                : config.network();
        long start = System.nanoTime();
        try {
            NetworkThroughput.Measurement m = test.measure(URI.create(url));
            return new Step(new TestRun("network", "http", description + " of " + mib(m.bytes()) + " MiB"
                    + (m.truncated() ? " (stopped at the limit)" : ""), command, TestRun.Status.SUCCEEDED, null,
                    seconds(start), List.of()), m.figures());
        } catch (IOException | IllegalArgumentException e) {
            return failed("network", "http", description, command, start, e.getMessage(), List.of());
        }
    }

    private static Step failed(String name, String tool, String description, List<String> command, long start,
            String error, List<String> output) {
        List<String> tail = output.subList(Math.max(0, output.size() - 20), output.size());
        return new Step(new TestRun(name, tool, description, command, TestRun.Status.FAILED, error, seconds(start), tail),
                List.of());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted is left (and the rest still goes). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Keep going: the rest of the tree is still removed.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A tree that vanished while being walked is gone, which is what was wanted.
        }
    }
}
