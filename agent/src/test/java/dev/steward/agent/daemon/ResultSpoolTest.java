package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-30T05:00:00Z");

    @TempDir
    Path temp;

    private static ObjectNode body(String status) {
        ObjectNode body = JSON.createObjectNode().put("status", status).put("duration_seconds", 12);
        body.putObject("health").put("ok", true);
        body.putObject("details").put("from_version", "1.0.0").put("to_version", "1.1.0");
        return body;
    }

    @Test
    void pending_whileAnotherThreadRemoves_listsWhatIsLeft_neverFails() throws Exception {
        // The reporter removes acknowledged results while others list the spool (a daemon test met
        // NoSuchFileException here): a result gone between the listing and its read is not listed.
        ResultSpool spool = new ResultSpool(temp.resolve("results"));
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 40; i++) {
                spool.put("job-" + round + "-" + i, "app_update", body("succeeded"), T0.plusSeconds(i));
            }
            int r = round;
            Thread remover = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 40; i++) {
                    try {
                        spool.remove("job-" + r + "-" + i);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            while (remover.isAlive()) {
                assertThat(spool.pending()).allSatisfy(p -> assertThat(p.jobId()).startsWith("job-" + r + "-"));
            }
            remover.join();
            assertThat(spool.pending()).isEmpty();
        }
        assertThat(temp.resolve("results/corrupt")).doesNotExist();
    }

    @Test
    void aResult_survivesReopening_oldestFirst_untilRemoved() throws Exception {
        Path directory = temp.resolve("results");
        ResultSpool spool = new ResultSpool(directory);
        spool.put("bbbb-2", "os_update", body("failed"), T0.plusSeconds(5));
        spool.put("aaaa-1", "app_update", body("succeeded"), T0);

        ResultSpool reopened = new ResultSpool(directory);
        assertThat(reopened.pending()).extracting(ResultSpool.Pending::jobId).containsExactly("aaaa-1", "bbbb-2");
        ResultSpool.Pending first = reopened.pending().get(0);
        assertThat(first.body()).isEqualTo(body("succeeded"));
        assertThat(first.kind()).isEqualTo("app_update");
        assertThat(first.status()).isEqualTo("succeeded");
        assertThat(first.spooledAt()).isEqualTo(T0);
        assertThat(reopened.contains("aaaa-1")).isTrue();

        reopened.remove("aaaa-1");
        assertThat(new ResultSpool(directory).pending()).extracting(ResultSpool.Pending::jobId).containsExactly("bbbb-2");
        assertThat(reopened.contains("aaaa-1")).isFalse();
    }

    @Test
    void files_arePrivate_andNoTemporaryFileIsLeft() throws Exception {
        ResultSpool spool = new ResultSpool(temp.resolve("results"));
        spool.put("job-1", "app_update", body("succeeded"), T0);
        spool.put("job-1", "app_update", body("rolled_back"), T0.plusSeconds(1)); // replaced, atomically

        assertThat(Files.getPosixFilePermissions(spool.directory())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(spool.directory().resolve("job-1.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Stream<Path> files = Files.list(spool.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("job-1.json");
        }
        assertThat(spool.pending()).singleElement().extracting(ResultSpool.Pending::status).isEqualTo("rolled_back");
    }

    @Test
    void anUnreadableFile_isMovedToCorrupt_andTheRestIsKept() throws Exception {
        ResultSpool spool = new ResultSpool(temp.resolve("results"));
        spool.put("good", "app_update", body("succeeded"), T0);
        Files.writeString(spool.directory().resolve("torn.json"), "{\"job_id\": \"torn\", \"bo");
        Files.writeString(spool.directory().resolve("other.json"), "{\"job_id\": \"not-other\", \"spooled_at\": \""
                + T0 + "\", \"body\": {}}");

        assertThat(spool.pending()).extracting(ResultSpool.Pending::jobId).containsExactly("good");
        assertThat(spool.directory().resolve("corrupt/torn.json")).exists();
        assertThat(spool.directory().resolve("corrupt/other.json")).exists();
        assertThat(spool.directory().resolve("torn.json")).doesNotExist();
    }

    @Test
    void aRejectedResult_isKeptAside_andNotPendingAnyMore() throws Exception {
        ResultSpool spool = new ResultSpool(temp.resolve("results"));
        spool.put("late", "app_update", body("succeeded"), T0);

        spool.reject("late", "409 job_expired too late");

        assertThat(spool.pending()).isEmpty();
        assertThat(spool.directory().resolve("rejected/late.json")).exists();
    }

    @Test
    void jobIds_neverBecomePaths() throws Exception {
        ResultSpool spool = new ResultSpool(temp.resolve("results"));
        assertThatThrownBy(() -> spool.put("../escape", "app_update", body("failed"), T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(spool.contains("../escape")).isFalse();
    }
}
