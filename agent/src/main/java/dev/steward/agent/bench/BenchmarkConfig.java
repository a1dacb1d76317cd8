package dev.steward.agent.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the benchmark executor runs its tools; {@link #defaults()} is right for a Debian server with
 * the packages {@code fio} and {@code sysbench} installed.
 *
 * @param fio the fio command (arguments are appended)
 * @param sysbench the sysbench command
 * @param diskReserveBytes what must stay free in the target directory on top of a fio test's files;
 *     a test that would leave less is not run (it fails with the figures it would need), so a
 *     benchmark never fills an application's disk
 * @param killGrace how long after SIGTERM a timed-out tool gets SIGKILL
 * @param network the network test's limits for the full profile (the quick one reads at most 64 MiB
 *     within 30 s)
 * @param timeoutCap the longest any one tool may run, whatever the profile allows
 *     ({@link BenchmarkProfile#fioTimeout()}, {@link BenchmarkProfile#sysbenchTimeout()}); the
 *     default of 2 hours caps nothing
 */
public record BenchmarkConfig(List<String> fio, List<String> sysbench, long diskReserveBytes, Duration killGrace,
        NetworkThroughput network, Duration timeoutCap) {

    public BenchmarkConfig {
        fio = List.copyOf(fio);
        sysbench = List.copyOf(sysbench);
        if (fio.isEmpty() || sysbench.isEmpty()) {
            throw new IllegalArgumentException("the fio and sysbench commands must not be empty");
        }
        if (diskReserveBytes < 0) {
            throw new IllegalArgumentException("diskReserveBytes must not be negative");
        }
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(network, "network");
        if (timeoutCap.isNegative() || timeoutCap.isZero()) {
            throw new IllegalArgumentException("timeoutCap must be positive");
        }
    }

    /**
     * {@code fio} and {@code sysbench} from the PATH, 1 GiB reserve, 5 s kill grace, 1 GiB / 5 min
     * network test, no cap on the profile's timeouts.
     */
    public static BenchmarkConfig defaults() {
        return new BenchmarkConfig(List.of("fio"), List.of("sysbench"), 1L << 30, Duration.ofSeconds(5),
                NetworkThroughput.DEFAULT, Duration.ofHours(2));
    }

    /** This configuration with other fio and sysbench commands (tests use stand-ins). */
    public BenchmarkConfig withTools(List<String> fioCommand, List<String> sysbenchCommand) {
        return new BenchmarkConfig(fioCommand, sysbenchCommand, diskReserveBytes, killGrace, network, timeoutCap);
    }

    /** This configuration with another disk reserve. */
    public BenchmarkConfig withDiskReserve(long bytes) {
        return new BenchmarkConfig(fio, sysbench, bytes, killGrace, network, timeoutCap);
    }

    /** This configuration with another cap on every tool's run time. */
    public BenchmarkConfig withTimeoutCap(Duration cap) {
        return new BenchmarkConfig(fio, sysbench, diskReserveBytes, killGrace, network, cap);
    }

    /** {@code timeout}, or the cap when that is shorter. */
    Duration capped(Duration timeout) {
        return timeout.compareTo(timeoutCap) > 0 ? timeoutCap : timeout;
    }
}
