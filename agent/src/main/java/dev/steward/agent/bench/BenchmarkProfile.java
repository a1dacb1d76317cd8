package dev.steward.agent.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.List;

/**
 * Which sizes and run times the benchmarks use. {@link #FULL} is the provider's published profile
 * (SPEC-2), taken literally from the seed documentation
 * ({@code shared/seed/000_5c2d6b213e4b653d.txt}, "Technische specificaties van de servers",
 * "Benchmarks"); {@link #QUICK} runs the same tests with the same parameters except sizes and run
 * times, small enough for tests and a first look (about 15 seconds in all).
 *
 * <p>The seed's command lines, verbatim:
 * <pre>
 * sudo fio --name=randwrite --ioengine=libaio --iodepth=1 --rw=randwrite --bs=4k --direct=0 --size=512M --numjobs=4 --runtime=240 --group_reporting
 * sudo fio --name=randread --ioengine=libaio --iodepth=16 --rw=randread --bs=4k --direct=0 --size=512M --numjobs=4 --runtime=240 --group_reporting
 * sudo fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=random_read_write.fio --bs=4k --iodepth=64 --size=4G --readwrite=randrw --rwmixread=75
 * sysbench cpu --threads=2 run          (prints "Prime numbers limit: 10000", sysbench's default)
 * sysbench memory --threads=2 run       (prints "block size: 1KiB", "total size: 102400MiB",
 *                                        "operation: write", "scope: global": sysbench's defaults)
 * </pre>
 * The seed's server had 2 vCPUs; SPEC-2 says threads = vCPUs, so {@code --threads} is the number
 * of the server's processors. sysbench's defaults are spelled out here (same values) so that a
 * different sysbench default can never change the profile; its run time is sysbench's default of
 * 10 s ({@code --time=10}). The seed's network test is a speedtest.net run, which Steward replaces
 * by a download from an HTTP endpoint (SPEC-2: "a network throughput test").
 *
 * <p>What Steward adds to the fio lines: {@code --directory=DIR} first (a temporary directory in
 * the configured target directory, so fio's files land there and are removed afterwards) and
 * {@code --output-format=json --output=FILE}. Nothing else changes; in particular the mixed test
 * keeps {@code --gtod_reduce=1}, which turns fio's latency measurement off, so that test has no
 * latency figures.
 */
public enum BenchmarkProfile {

    /** The seed's profile: 4 × 512 MiB random writes and reads for up to 240 s each, 4 GiB mixed, 10 s sysbench. */
    FULL("full", "512M", 512L << 20, "4G", 4L << 30, "240", 10, Duration.ofMinutes(40)),

    /** The seed's tests with 16 MiB files, a 2 s fio run time and 2 s sysbench runs. */
    QUICK("quick", "16M", 16L << 20, "16M", 16L << 20, "2", 2, Duration.ofMinutes(2));

    private final String wire;
    private final String fileSize;
    private final long fileBytes;
    private final String mixedSize;
    private final long mixedBytes;
    private final String runtime;
    private final int sysbenchSeconds;
    private final Duration fioTimeout;

    BenchmarkProfile(String wire, String fileSize, long fileBytes, String mixedSize, long mixedBytes, String runtime,
            int sysbenchSeconds, Duration fioTimeout) {
        this.wire = wire;
        this.fileSize = fileSize;
        this.fileBytes = fileBytes;
        this.mixedSize = mixedSize;
        this.mixedBytes = mixedBytes;
        this.runtime = runtime;
        this.sysbenchSeconds = sysbenchSeconds;
        this.fioTimeout = fioTimeout;
    }

    /** {@code full} or {@code quick}, as in the job parameters and the result. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The profile named {@code name} ({@code full} or {@code quick}). */
    public static BenchmarkProfile of(String name) {
        for (BenchmarkProfile profile : values()) {
            if (profile.wire.equals(name)) {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown benchmark profile '" + name + "' (full or quick)");
    }

    /**
     * The three fio tests of the seed, in the seed's order, without the {@code --directory} and
     * output options the executor adds.
     */
    public List<FioTest> fioTests() {
        // In the quick profile the mixed test gets a run time too; the seed's line has none (it
        // ends when 4 GiB are done), and so neither does the full profile.
        List<String> mixedRuntime = this == QUICK ? List.of("--runtime=" + runtime) : List.of();
        return List.of(
                new FioTest("disk_randwrite", "random write, 4k, iodepth 1, 4 jobs × " + fileSize,
                        List.of("--name=randwrite", "--ioengine=libaio", "--iodepth=1", "--rw=randwrite", "--bs=4k",
                                "--direct=0", "--size=" + fileSize, "--numjobs=4", "--runtime=" + runtime,
                                "--group_reporting"),
                        4 * fileBytes, false),
                new FioTest("disk_randread", "random read, 4k, iodepth 16, 4 jobs × " + fileSize,
                        List.of("--name=randread", "--ioengine=libaio", "--iodepth=16", "--rw=randread", "--bs=4k",
                                "--direct=0", "--size=" + fileSize, "--numjobs=4", "--runtime=" + runtime,
                                "--group_reporting"),
                        4 * fileBytes, false),
                new FioTest("disk_randrw", "mixed random read/write 75/25, 4k, iodepth 64, direct, " + mixedSize,
                        concat(List.of("--randrepeat=1", "--ioengine=libaio", "--direct=1", "--gtod_reduce=1",
                                "--name=test", "--filename=random_read_write.fio", "--bs=4k", "--iodepth=64",
                                "--size=" + mixedSize, "--readwrite=randrw", "--rwmixread=75"), mixedRuntime),
                        mixedBytes, true));
    }

    /** sysbench's CPU test: primes up to 10000 on {@code threads} threads. */
    public List<String> sysbenchCpu(int threads) {
        return List.of("cpu", "--threads=" + threads, "--cpu-max-prime=10000", "--time=" + sysbenchSeconds, "run");
    }

    /** sysbench's memory test: 1 KiB blocks, writes, global scope, up to 100 GiB, on {@code threads} threads. */
    public List<String> sysbenchMemory(int threads) {
        return List.of("memory", "--threads=" + threads, "--memory-block-size=1K", "--memory-total-size=100G",
                "--memory-oper=write", "--memory-scope=global", "--time=" + sysbenchSeconds, "run");
    }

    /** How long a sysbench run may take before it is killed: its run time plus a minute. */
    public Duration sysbenchTimeout() {
        return Duration.ofSeconds(sysbenchSeconds + 60L);
    }

    /** How long one fio test may take (laying out the files included) before it is killed. */
    public Duration fioTimeout() {
        return fioTimeout;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
