package dev.steward.agent.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * How one test of a benchmark went.
 *
 * @param name {@code disk_randwrite}, {@code disk_randread}, {@code disk_randrw}, {@code cpu},
 *     {@code memory} or {@code network}: the prefix of its figures
 * @param tool {@code fio}, {@code sysbench} or {@code http}
 * @param description what it measures, for people
 * @param command the command line run (for {@code http}: {@code GET url}); empty when not run
 * @param status succeeded, failed or skipped
 * @param error why it failed or was skipped, null on success
 * @param seconds how long it ran
 * @param outputTail the last lines of the tool's output when it failed, else empty
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TestRun(String name, String tool, String description, List<String> command, Status status, String error,
        double seconds, List<String> outputTail) {

    /** How a test ended. */
    public enum Status {
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        SKIPPED("skipped");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        /** The value in JSON. */
        @JsonValue
        public String wire() {
            return wire;
        }
    }

    public TestRun {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        command = List.copyOf(command);
        outputTail = List.copyOf(outputTail);
    }
}
