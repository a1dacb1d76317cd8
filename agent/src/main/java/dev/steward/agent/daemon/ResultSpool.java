package dev.steward.agent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job results the control plane has not acknowledged yet: one file {@code JOB_ID.json} per job in
 * the spool directory, written atomically (temporary file, fsync, rename, directory fsync) before
 * the first attempt to report it, and removed only after the control plane has it. A result thus
 * survives an unreachable control plane, a crash and a reboot; it may be reported twice (the job
 * API answers an identical repeat with 200), never lost. A file that cannot be read is moved to
 * {@code corrupt/} with one warning.
 *
 * <p>Thread safety: thread-safe (each operation is one file operation; callers do not share a job id
 * between threads except to remove it).
 */
public final class ResultSpool {

    private static final Logger LOG = LoggerFactory.getLogger(ResultSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Job ids are UUIDs; anything else never becomes a file name. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /**
     * One unacknowledged result.
     *
     * @param jobId the job
     * @param kind the job's kind as the API names it ({@code app_update}, ...)
     * @param body the body of {@code POST /jobs/{id}/result}
     * @param spooledAt when it was written
     */
    public record Pending(String jobId, String kind, ObjectNode body, Instant spooledAt) {
        public Pending {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(spooledAt, "spooledAt");
        }

        /** The result's status ({@code succeeded}, {@code failed}, {@code rolled_back}). */
        public String status() {
            return body.path("status").asText();
        }
    }

    private final Path directory;

    /** A spool in {@code directory} (created when missing, mode 0700). */
    public ResultSpool(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** Writes (or replaces) the result of {@code jobId}; durable on return. */
    public Pending put(String jobId, String kind, ObjectNode body, Instant now) throws IOException {
        requireJobId(jobId);
        ObjectNode file = JSON.createObjectNode();
        file.put("job_id", jobId);
        file.put("kind", kind);
        file.put("spooled_at", now.toString());
        file.set("body", body);
        AtomicFiles.write(file(jobId), file.toString() + "\n");
        return new Pending(jobId, kind, body, now);
    }

    /**
     * Every pending result, oldest first; unreadable files are moved to {@code corrupt/}. Safe while
     * another thread removes results: a file gone by the time it is read is not listed.
     */
    public List<Pending> pending() throws IOException {
        List<Pending> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path path : files) {
                if (path.getFileName().toString().startsWith(".")) {
                    continue;
                }
                Pending pending = readOrQuarantine(path);
                if (pending != null) {
                    all.add(pending);
                }
            }
        }
        all.sort(Comparator.comparing(Pending::spooledAt).thenComparing(Pending::jobId));
        return all;
    }

    /** Whether a result for {@code jobId} waits here. */
    public boolean contains(String jobId) {
        return JOB_ID.matcher(jobId).matches() && Files.exists(file(jobId));
    }

    /** Removes the result of {@code jobId} (the control plane has it); durable on return. */
    public void remove(String jobId) throws IOException {
        requireJobId(jobId);
        if (Files.deleteIfExists(file(jobId))) {
            AtomicFiles.syncDirectory(directory);
        }
    }

    /**
     * Moves the result of {@code jobId} to {@code rejected/}: the control plane refused it for good
     * (the job expired, was cancelled, is unknown, or finished with another outcome). Kept for a
     * person, never sent again; one warning with the answer.
     */
    public void reject(String jobId, String answer) throws IOException {
        requireJobId(jobId);
        Path rejected = directory.resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(file(jobId), rejected.resolve(jobId + ".json"), StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.syncDirectory(directory);
        LOG.warn(LogLine.of("agent_result_rejected").field("job", jobId).field("reply", answer)
                .field("kept_in", rejected.resolve(jobId + ".json")).toString());
    }

    private Pending readOrQuarantine(Path path) throws IOException {
        String name = path.getFileName().toString();
        String jobId = name.substring(0, name.length() - ".json".length());
        String problem;
        try {
            JsonNode node = JSON.readTree(Files.readString(path));
            if (node != null && node.path("body").isObject() && node.path("job_id").asText("").equals(jobId)
                    && node.path("spooled_at").isTextual()) {
                return new Pending(jobId, node.path("kind").asText(""), (ObjectNode) node.get("body"),
                        Instant.parse(node.get("spooled_at").asText()));
            }
            problem = "lacks job_id (equal to the file name), spooled_at or body";
        } catch (JsonProcessingException | java.time.format.DateTimeParseException bad) {
            problem = bad.getMessage();
        } catch (java.nio.file.NoSuchFileException removed) {
            // Acknowledged and removed by another thread between the listing and this read: no
            // longer pending. (A reader raced the reporter in a test.)
            return null;
        }
        Path corrupt = directory.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.move(path, corrupt.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        LOG.warn(LogLine.of("agent_spool_corrupt").field("file", path).field("moved_to", corrupt.resolve(name))
                .field("problem", problem).toString());
        return null;
    }

    private Path file(String jobId) {
        return directory.resolve(jobId + ".json");
    }

    private static void requireJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
    }
}
