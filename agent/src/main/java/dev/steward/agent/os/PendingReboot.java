package dev.steward.agent.os;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * The state an OS-update job keeps across the reboot it requested: one JSON file,
 * {@value #FILE_NAME}, in the state directory. Written (to a temporary file, synced, then renamed
 * over) before the reboot command runs, so that a reboot that comes faster than expected still
 * finds it; removed once the job's final result has been produced.
 *
 * <p>Thread safety: immutable; the file operations are not synchronised (one executor per agent).
 *
 * @param jobId the job that requested the reboot
 * @param requestedAt when the reboot was requested (ISO-8601 UTC); the downtime is measured from it
 * @param bootIdBefore the kernel's boot id before the reboot
 * @param kernelBefore the running kernel before the reboot
 * @param kernelExpected the kernel expected after it (NEEDRESTART-KEXP), or null
 * @param details the job's details so far
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PendingReboot(String jobId, String requestedAt, String bootIdBefore, String kernelBefore,
        String kernelExpected, OsUpdateDetails details) {

    /** The state file's name in the state directory. */
    public static final String FILE_NAME = "os-update-pending-reboot.json";

    /** The JSON mapper for the state file and the details (snake_case via the records' annotations). */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public PendingReboot {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(details, "details");
    }

    /** The state file in {@code stateDirectory}. */
    public static Path file(Path stateDirectory) {
        return stateDirectory.resolve(FILE_NAME);
    }

    /** Writes this state atomically into {@code stateDirectory} (created if missing). */
    public void write(Path stateDirectory) {
        Path target = file(stateDirectory);
        Path temporary = stateDirectory.resolve(FILE_NAME + ".tmp");
        try {
            Files.createDirectories(stateDirectory);
            Files.write(temporary, JSON.writeValueAsBytes(this));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pending-reboot state " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The state in {@code stateDirectory}, if a reboot is pending.
     *
     * @throws UncheckedIOException when the file cannot be read or is not valid; an unparsable file
     *     is renamed to {@code .corrupt} first, so the agent does not trip over it at every start
     */
    public static Optional<PendingReboot> read(Path stateDirectory) {
        Path file = file(stateDirectory);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pending-reboot state " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(JSON.readValue(bytes, PendingReboot.class));
        } catch (IOException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt");
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                e.addSuppressed(moveFailed);
            }
            throw new UncheckedIOException("the pending-reboot state " + file + " is not valid (moved to " + aside
                    + "): " + e.getMessage(), e);
        }
    }

    /** Removes the state from {@code stateDirectory}. */
    public static void clear(Path stateDirectory) {
        try {
            Files.deleteIfExists(file(stateDirectory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pending-reboot state " + file(stateDirectory), e);
        }
    }
}
