package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class QueueRecoveryTest {

    private static final List<String> EMPTY =
            List.of("active/", "corrupt/", "deferred/", "hold/", "incoming/", "journal/", "lock", "tmp/");

    @TempDir
    Path queue;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger recoveryLogger = (Logger) LoggerFactory.getLogger(QueueRecovery.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        recoveryLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        recoveryLogger.detachAppender(logs);
    }

    /** Commits one message and closes the store, as a relay that then stops would. */
    private QueueId committed(String body) throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            return store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(body));
        }
    }

    private RecoveryReport reopen() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            return store.recovery();
        }
    }

    private List<String> warnings() {
        return logs.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void open_tmpLeftovers_deleted() throws Exception {
        QueueId kept = committed("kept\r\n");
        Files.writeString(queue.resolve("tmp/0MIHX3Q8G0000AB.msg"), "half written");
        Files.writeString(queue.resolve("tmp/0MIHX3Q8G0000AB.env"), "{\"format\": 1");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 2, 0, 0));
        assertThat(QueueStoreTest.tree(queue)).containsExactly("active/", "corrupt/", "deferred/", "hold/",
                "incoming/", "incoming/" + kept + ".env", "incoming/" + kept + ".msg", "journal/", "lock", "tmp/");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void open_msgWithoutEnv_deleted() throws Exception {
        Files.createDirectories(queue.resolve("incoming"));
        Files.createDirectories(queue.resolve("deferred"));
        Files.writeString(queue.resolve("incoming/0MIHX3Q8G0000AB.msg"), "crash between the renames");
        Files.writeString(queue.resolve("deferred/0MIHX3Q8G0000AC.msg"), "orphan");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 2, 0, 0));
        assertThat(QueueStoreTest.tree(queue)).isEqualTo(EMPTY);
    }

    @Test
    void open_msgLeftBehindByAMove_joinsItsEnv() throws Exception {
        QueueId id = committed("moving\r\n");
        // A move between state directories that stopped half-way: the .env is in deferred/, the
        // .msg still in incoming/. The message exists (its .env does), so the .msg must follow.
        Files.move(queue.resolve("incoming/" + id + ".env"), queue.resolve("deferred/" + id + ".env"));

        assertThat(reopen()).isEqualTo(new RecoveryReport(1, 0, 0, 0));
        assertThat(QueueStore.list(queue)).singleElement()
                .satisfies(entry -> assertThat(entry.state()).isEqualTo("deferred"));
        assertThat(Files.exists(queue.resolve("deferred/" + id + ".msg"))).isTrue();
    }

    @Test
    void open_activeMessages_movedBackToIncoming() throws Exception {
        QueueId first = committed("one\r\n");
        QueueId second = committed("two\r\n");
        for (QueueId id : List.of(first, second)) {
            for (String suffix : List.of(".msg", ".env")) {
                Files.move(queue.resolve("incoming/" + id + suffix), queue.resolve("active/" + id + suffix));
            }
        }
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::state).containsExactly("active", "active");

        assertThat(reopen()).isEqualTo(new RecoveryReport(2, 0, 0, 0));
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id, QueueEntry::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first, "incoming"),
                        org.assertj.core.groups.Tuple.tuple(second, "incoming"));
        assertThat(Files.list(queue.resolve("active"))).isEmpty();
    }

    @Test
    void open_truncatedEnvWithoutEndMarker_bothFilesToCorruptOneWarn() throws Exception {
        QueueId id = committed("truncated envelope\r\n");
        Path env = queue.resolve("incoming/" + id + ".env");
        String text = Files.readString(env);
        Files.writeString(env, text.substring(0, text.indexOf("\"end\"")));

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 1, 0));
        assertThat(QueueStoreTest.tree(queue)).containsExactly("active/", "corrupt/", "corrupt/" + id + ".env",
                "corrupt/" + id + ".msg", "deferred/", "hold/", "incoming/", "journal/", "lock", "tmp/");
        assertThat(warnings()).singleElement().asString()
                .startsWith("queue_corrupt queue_id=" + id + " from=incoming to=corrupt reason=\"not valid JSON");
    }

    @Test
    void open_validJsonWithoutEndMarker_corrupt() throws Exception {
        QueueId id = committed("no marker\r\n");
        Path env = queue.resolve("incoming/" + id + ".env");
        Files.writeString(env, Files.readString(env).replace(",\n  \"end\" : true", ""));

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 1, 0));
        assertThat(warnings()).singleElement().asString().contains("reason=\"no end marker");
    }

    @Test
    void open_garbageEnvInEachLiveState_corruptOneWarnEach() throws Exception {
        for (String state : List.of("incoming", "deferred", "hold")) {
            Files.createDirectories(queue.resolve(state));
        }
        Files.write(queue.resolve("incoming/0MIHX3Q8G0000AB.env"), new byte[] {0, 1, 2, (byte) 0xff});
        Files.writeString(queue.resolve("incoming/0MIHX3Q8G0000AB.msg"), "body");
        Files.writeString(queue.resolve("deferred/0MIHX3Q8G0000AC.env"), "");
        Files.writeString(queue.resolve("deferred/0MIHX3Q8G0000AC.msg"), "body");
        Files.writeString(queue.resolve("hold/0MIHX3Q8G0000AD.env"), "[]");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 3, 0));
        assertThat(QueueStoreTest.tree(queue)).containsExactly("active/", "corrupt/",
                "corrupt/0MIHX3Q8G0000AB.env", "corrupt/0MIHX3Q8G0000AB.msg",
                "corrupt/0MIHX3Q8G0000AC.env", "corrupt/0MIHX3Q8G0000AC.msg",
                "corrupt/0MIHX3Q8G0000AD.env",
                "deferred/", "hold/", "incoming/", "journal/", "lock", "tmp/");
        assertThat(warnings()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("queue_corrupt "));
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::state).containsOnly("corrupt");
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::lastFailure)
                .allSatisfy(reason -> assertThat(reason).startsWith("unreadable queue file: "));
    }

    @Test
    void open_msgSizeDisagreesWithEnv_corrupt() throws Exception {
        QueueId id = committed("twelve bytes");
        Files.writeString(queue.resolve("incoming/" + id + ".msg"), "short");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 1, 0));
        assertThat(warnings()).singleElement().asString()
                .contains("reason=\"message file has 5 bytes, envelope says 12\"");
    }

    @Test
    void open_unfinishedStateUpdate_newFileDeletedOldEnvKept() throws Exception {
        QueueId id = committed("update\r\n");
        Files.writeString(queue.resolve("incoming/" + id + ".env.new"), "{\"format\": 1, \"id\"");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 1, 0, 0));
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(id);
    }

    @Test
    void open_unknownFile_leftAloneWithWarn() throws Exception {
        Files.createDirectories(queue.resolve("incoming"));
        Files.writeString(queue.resolve("incoming/README"), "not ours");

        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
        assertThat(Files.exists(queue.resolve("incoming/README"))).isTrue();
        assertThat(warnings()).singleElement().asString().startsWith("queue_unexpected_file ");
    }

    @Test
    void open_manyIntactMessages_allKept() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            for (int i = 0; i < 20; i++) {
                store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("m" + i));
            }
        }
        assertThat(reopen()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
        assertThat(QueueStore.list(queue)).hasSize(20);
        assertThat(warnings()).isEmpty();
    }
}
