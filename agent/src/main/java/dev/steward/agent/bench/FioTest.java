package dev.steward.agent.bench;

import java.util.List;
import java.util.Objects;

/**
 * One fio test of a {@link BenchmarkProfile}.
 *
 * @param name the test's name, the prefix of its figures ({@code disk_randwrite})
 * @param description for people and the progress display
 * @param arguments fio's arguments as in the seed (with the profile's size and run time)
 * @param bytesOnDisk how much the test's files take: what must be free in the target directory
 * @param mixed whether the test reads and writes (its figures name the direction:
 *     {@code disk_randrw_read_iops}); a single-direction test's figures do not
 *     ({@code disk_randread_iops})
 */
public record FioTest(String name, String description, List<String> arguments, long bytesOnDisk, boolean mixed) {

    public FioTest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        arguments = List.copyOf(arguments);
    }
}
