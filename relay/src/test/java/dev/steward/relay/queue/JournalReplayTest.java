package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Crash states built directly on disk (the journal segment as a crashed relay left it, and
 * whatever of the message files reached the disk), then {@link QueueStore#open}.
 */
class JournalReplayTest {

    private static final QueueId FIRST = QueueId.parse("0MIHX3Q8G0000AB");
    private static final QueueId SECOND = QueueId.parse("0MIHX3Q8G0001AB");
    private static final QueueId THIRD = QueueId.parse("0MIHX3Q8G0002AB");

    @TempDir
    Path temp;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger replayLogger = (Logger) LoggerFactory.getLogger(JournalReplay.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        replayLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        replayLogger.detachAppender(logs);
    }

    @Test
    void open_recordsPresentFilesMissing_replayedIntoIncoming() throws Exception {
        Path queue = queue("a");
        writeSegment(queue, "00000001.wal", bytes(message(FIRST, "first\r\n"), message(SECOND, "second\r\n")));
        writeSegment(queue, "00000002.wal", bytes(message(THIRD, "third\r\n")));

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 3));

        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id, QueueEntry::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FIRST, "incoming"),
                org.assertj.core.groups.Tuple.tuple(SECOND, "incoming"),
                org.assertj.core.groups.Tuple.tuple(THIRD, "incoming"));
        assertThat(Files.readString(queue.resolve("incoming/" + SECOND + ".msg"))).isEqualTo("second\r\n");
        assertThat(Files.readAllBytes(queue.resolve("incoming/" + SECOND + ".env"))).isEqualTo(envelope(SECOND, "second\r\n"));
        assertThat(Files.list(queue.resolve("journal"))).isEmpty();
        assertThat(Files.list(queue.resolve("tmp"))).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void open_envTruncatedAndMsgPartial_replayedExactlyOnce() throws Exception {
        Path queue = queue("b");
        writeSegment(queue, "00000001.wal", bytes(message(FIRST, "first message\r\n"), message(SECOND, "second\r\n")));
        Files.write(queue.resolve("incoming/" + FIRST + ".env"), new byte[0]);
        Files.writeString(queue.resolve("incoming/" + FIRST + ".msg"), "first");
        byte[] env = envelope(SECOND, "second\r\n");
        Files.write(queue.resolve("incoming/" + SECOND + ".env"), java.util.Arrays.copyOf(env, env.length / 2));
        Files.write(queue.resolve("incoming/" + SECOND + ".msg"), new byte[8]); // right size, zero blocks

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 2));

        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(FIRST, SECOND);
        assertThat(Files.readString(queue.resolve("incoming/" + FIRST + ".msg"))).isEqualTo("first message\r\n");
        assertThat(Files.readString(queue.resolve("incoming/" + SECOND + ".msg"))).isEqualTo("second\r\n");
        assertThat(QueueStoreTest.tree(queue)).filteredOn(name -> name.contains(FIRST.value()))
                .containsExactly("incoming/" + FIRST + ".env", "incoming/" + FIRST + ".msg");
        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 0));
    }

    @Test
    void open_envIntactInDeferredMsgZeroed_onlyMsgRewrittenInPlace() throws Exception {
        Path queue = queue("b2");
        writeSegment(queue, "00000001.wal", bytes(message(FIRST, "content\r\n")));
        Files.write(queue.resolve("deferred/" + FIRST + ".env"), envelope(FIRST, "content\r\n"));
        Files.write(queue.resolve("deferred/" + FIRST + ".msg"), new byte[9]);

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 1));

        assertThat(QueueStore.list(queue)).extracting(QueueEntry::state).containsExactly("deferred");
        assertThat(Files.readString(queue.resolve("deferred/" + FIRST + ".msg"))).isEqualTo("content\r\n");
    }

    @Test
    void open_lastRecordTornAtEveryOffset_earlierReplayedTornIgnored() throws Exception {
        byte[] whole = bytes(message(FIRST, "first\r\n"), message(SECOND, "second\r\n"));
        byte[] torn = bytes(message(THIRD, "third, never acknowledged\r\n"));
        for (int cut = 0; cut < torn.length; cut++) {
            Path queue = queue("c" + cut);
            byte[] segment = java.util.Arrays.copyOf(whole, whole.length + cut);
            System.arraycopy(torn, 0, segment, whole.length, cut);
            writeSegment(queue, "00000001.wal", segment);

            assertThat(JournalReplay.read(queue.resolve("journal/00000001.wal"))).as("cut at %d", cut)
                    .extracting(JournalRecord::id).containsExactly(FIRST, SECOND);
            // A whole open at every header offset, then at a stride (each open fsyncs directories).
            if (cut <= JournalRecord.HEADER || cut % 16 == 0 || cut == torn.length - 1) {
                assertThat(reopen(queue)).as("cut at %d", cut).isEqualTo(new RecoveryReport(0, 0, 0, 2));
                assertThat(QueueStore.list(queue)).as("cut at %d", cut).extracting(QueueEntry::id)
                        .containsExactly(FIRST, SECOND);
                assertThat(Files.list(queue.resolve("journal"))).isEmpty();
            }
        }
        assertThat(warnings()).isEmpty();
    }

    /**
     * The listing's streamed scan finds exactly the records read() finds, at every cut of a torn
     * last record and with a flipped byte in it, and keeps a message's content only when asked.
     */
    @Test
    void scanSegment_agreesWithRead_atEveryCutAndCorruption_contentOnlyWhenAsked() throws Exception {
        byte[] whole = bytes(message(FIRST, "first\r\n"), message(SECOND, "second\r\n"));
        byte[] last = bytes(message(THIRD, "third, never acknowledged\r\n"));
        Path queue = queue("scan");
        Path segment = queue.resolve("journal/00000001.wal");
        for (int cut = 0; cut <= last.length; cut++) {
            for (int flip = -1; flip < cut; flip += Math.max(1, cut / 7)) {
                byte[] bytes = java.util.Arrays.copyOf(whole, whole.length + cut);
                System.arraycopy(last, 0, bytes, whole.length, cut);
                if (flip >= 0) {
                    bytes[whole.length + flip] ^= 0x20;
                }
                writeSegment(queue, "00000001.wal", bytes);

                List<JournalReplay.Scanned> scanned = JournalReplay.scanSegment(segment, SECOND::equals);
                assertThat(scanned).as("cut %d flip %d", cut, flip).extracting(s -> s.record().id())
                        .isEqualTo(JournalReplay.read(segment).stream().map(JournalRecord::id).toList());
                assertThat(scanned.get(0).record().msg()).isNull();
                assertThat(scanned.get(0).msgSize()).isEqualTo("first\r\n".length());
                assertThat(scanned.get(1).record().msg()).asString().isEqualTo("second\r\n");
                assertThat(scanned.get(1).record().env()).isEqualTo(JournalReplay.read(segment).get(1).env());
            }
        }
    }

    @Test
    void open_zeroFilledTail_ignoredSilently() throws Exception {
        Path queue = queue("z");
        byte[] whole = bytes(message(FIRST, "first\r\n"));
        writeSegment(queue, "00000001.wal", java.util.Arrays.copyOf(whole, whole.length + 8192));

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 1));
        assertThat(warnings()).isEmpty();
    }

    @Test
    void open_badCrcFollowedByMoreRecords_oneWarnStopsThere() throws Exception {
        Path queue = queue("crc");
        byte[] first = bytes(message(FIRST, "first\r\n"));
        byte[] damaged = bytes(message(SECOND, "second\r\n"));
        damaged[damaged.length - 3] ^= 0x55;
        writeSegment(queue, "00000001.wal", bytes(first, damaged, bytes(message(THIRD, "third\r\n"))));

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 1));

        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(FIRST);
        assertThat(warnings()).singleElement().asString().startsWith("queue_journal_damaged ")
                .contains("offset=" + first.length, "reason=\"CRC mismatch\"");
    }

    /**
     * A recycled file: segment 5's records written over the start of what segment 3 left in it.
     * Whether the new records end where an old one began (messages of one size) or inside one,
     * replay and the listing take the new records only, and say nothing of the old ones.
     */
    @Test
    void open_recycledFile_newRecordsOverAnEarlierSegments_onlyTheNewReplayedSilently() throws Exception {
        QueueId old1 = QueueId.parse("0MIHX3Q8G0003AB");
        QueueId old2 = QueueId.parse("0MIHX3Q8G0004AB");
        QueueId old3 = QueueId.parse("0MIHX3Q8G0005AB");
        byte[] left = sealed(3, message(old1, "one-1\r\n"), message(old2, "two-2\r\n"), message(old3, "three-3, longer\r\n"));
        for (String body : List.of("new-1\r\n", "new\r\n", "a new message, longer than the old ones\r\n")) {
            Path queue = queue("recycled-" + body.length());
            byte[] file = left.clone();
            byte[] written = sealed(5, message(FIRST, body));
            System.arraycopy(written, 0, file, 0, written.length);
            writeSegment(queue, "00000005.wal", file);

            Path segment = queue.resolve("journal/00000005.wal");
            assertThat(JournalReplay.read(segment)).as(body).extracting(JournalRecord::id).containsExactly(FIRST);
            assertThat(JournalReplay.scanSegment(segment, id -> true)).as(body)
                    .extracting(scanned -> scanned.record().id()).containsExactly(FIRST);
            assertThat(reopen(queue)).as(body).isEqualTo(new RecoveryReport(0, 0, 0, 1));
            assertThat(QueueStore.list(queue)).as(body).extracting(QueueEntry::id).containsExactly(FIRST);
        }
        assertThat(warnings()).isEmpty();
    }

    /** Damage in a segment of sealed records, with a record of the segment behind it: one warning, as before sealing. */
    @Test
    void open_sealedRecords_damageFollowedByThisSegmentsRecord_oneWarn() throws Exception {
        Path queue = queue("sealed-crc");
        byte[] first = sealed(2, message(FIRST, "first\r\n"));
        byte[] damaged = sealed(2, message(SECOND, "second\r\n"));
        damaged[damaged.length - 3] ^= 0x55;
        writeSegment(queue, "00000002.wal", bytes(first, damaged, sealed(2, message(THIRD, "third\r\n"))));

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 1));

        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(FIRST);
        assertThat(warnings()).singleElement().asString().startsWith("queue_journal_damaged ")
                .contains("offset=" + first.length, "reason=\"CRC mismatch\"");
    }

    /** A sealed record in a file that is not named for its segment (copied, renamed by hand) is not taken. */
    @Test
    void read_recordSealedForAnotherSegment_notTaken() throws Exception {
        Path queue = queue("renamed");
        writeSegment(queue, "00000004.wal", sealed(9, message(FIRST, "first\r\n")));
        writeSegment(queue, "stray.wal", sealed(1, message(SECOND, "second\r\n")));
        assertThat(JournalReplay.read(queue.resolve("journal/00000004.wal"))).isEmpty();
        assertThat(JournalReplay.read(queue.resolve("journal/stray.wal"))).isEmpty();
    }

    @Test
    void open_validFilesPresent_notRewritten() throws Exception {
        Path queue = queue("d");
        writeSegment(queue, "00000001.wal", bytes(message(FIRST, "intact\r\n")));
        Path env = queue.resolve("incoming/" + FIRST + ".env");
        Path msg = queue.resolve("incoming/" + FIRST + ".msg");
        Files.write(env, envelope(FIRST, "intact\r\n"));
        Files.writeString(msg, "intact\r\n");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(env, old);
        Files.setLastModifiedTime(msg, old);
        Object envInode = Files.getAttribute(env, "unix:ino");

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 0));

        assertThat(Files.getLastModifiedTime(env)).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(msg)).isEqualTo(old);
        assertThat(Files.getAttribute(env, "unix:ino")).isEqualTo(envInode);
        assertThat(Files.readString(msg)).isEqualTo("intact\r\n");
        assertThat(Files.list(queue.resolve("journal"))).isEmpty();
    }

    @Test
    void open_messageThenCancelRecord_notReplayed() throws Exception {
        Path queue = queue("cancel");
        writeSegment(queue, "00000001.wal", bytes(message(FIRST, "refused\r\n"), message(SECOND, "kept\r\n")));
        writeSegment(queue, "00000002.wal", bytes(JournalRecord.cancel(FIRST)));

        assertThat(reopen(queue)).isEqualTo(new RecoveryReport(0, 0, 0, 1));
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(SECOND);
    }

    private Path queue(String name) throws Exception {
        Path queue = temp.resolve(name);
        new QueueLayout(queue).createDirectories();
        return queue;
    }

    private static RecoveryReport reopen(Path queue) throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            return store.recovery();
        }
    }

    private static byte[] envelope(QueueId id, String body) {
        return EnvelopeFile.initial(id, TestMessages.envelope("bob@example.org"),
                body.getBytes(StandardCharsets.UTF_8).length).encode();
    }

    private static JournalRecord message(QueueId id, String body) {
        return JournalRecord.message(id, envelope(id, body), body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(JournalRecord... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JournalRecord record : records) {
            out.writeBytes(record.encode().array());
        }
        return out.toByteArray();
    }

    /** The records as the journal appends them to the segment numbered {@code segment}. */
    private static byte[] sealed(long segment, JournalRecord... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JournalRecord record : records) {
            java.nio.ByteBuffer buffer = record.encode();
            JournalRecord.seal(buffer, 0, segment);
            out.writeBytes(buffer.array());
        }
        return out.toByteArray();
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void writeSegment(Path queue, String name, byte[] bytes) throws Exception {
        Files.write(queue.resolve("journal").resolve(name), bytes);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
