package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit and checkpoints of the intake journal, through {@link QueueStore}. */
class IntakeJournalTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path queue;

    @Test
    void commit_fiftyVirtualThreads_oneForceAcknowledgesAllEachIdListedOnce() throws Exception {
        int threads = 50;
        List<QueueId> ids = new ArrayList<>();
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // Hold the first leader before it notes the end position until all 50 have appended:
            // then its one force() covers every record, whatever the scheduling.
            CountDownLatch appended = new CountDownLatch(threads);
            store.journal().testHooks(appended::countDown, () -> {
                try {
                    appended.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Future<QueueId>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String text = "Subject: message " + i + "\r\n\r\nbody\r\n";
                futures.add(executor.submit(() -> store.commit(
                        TestMessages.envelope("bob@example.org"), TestMessages.content(text))));
            }
            for (Future<QueueId> future : futures) {
                ids.add(future.get());
            }
            assertThat(store.journalForces()).isEqualTo(1);
            // Acknowledged and written, not yet checkpointed: the segment is still there.
            assertThat(journal()).containsExactly("00000001.wal");
        }
        assertThat(Set.copyOf(ids)).hasSize(threads);
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(journal()).isEmpty();
    }

    @Test
    void commit_fiftyVirtualThreadsFreeRunning_fewerForcesThanCommits() throws Exception {
        int threads = 50;
        int perThread = 10;
        List<QueueId> ids = new ArrayList<>();
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<QueueId>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    List<QueueId> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(store.commit(TestMessages.envelope("bob@example.org"),
                                TestMessages.content("Subject: " + thread + "/" + i + "\r\n\r\nbody\r\n")));
                    }
                    return mine;
                }));
            }
            for (Future<List<QueueId>> future : futures) {
                ids.addAll(future.get());
            }
            // Scheduling decides how many share each force; never more forces than commits.
            assertThat(store.journalForces()).isPositive().isLessThan(threads * perThread);
        }
        assertThat(Set.copyOf(ids)).hasSize(threads * perThread);
        assertThat(QueueStore.list(queue)).hasSize(threads * perThread);
    }

    @Test
    void commit_oneThread_oneForcePerCommitFilesWrittenBeforeReturn() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId first = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));
            QueueId second = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("two\r\n"));
            assertThat(store.journalForces()).isEqualTo(2);
            assertThat(Files.readString(queue.resolve("incoming/" + first + ".msg"))).isEqualTo("one\r\n");
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(first, second);
            assertThat(Files.list(queue.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void checkpointNow_deletesSegmentNextCommitStartsANewOne() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId first = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));
            assertThat(journal()).containsExactly("00000001.wal");

            store.checkpointNow();

            assertThat(journal()).isEmpty();
            QueueId second = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("two\r\n"));
            assertThat(journal()).containsExactly("00000002.wal");
            assertThat(JournalReplay.read(queue.resolve("journal/00000002.wal")))
                    .extracting(JournalRecord::id).containsExactly(second);
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(first, second);
        }
    }

    @Test
    void checkpointNow_messageMovedToAnotherState_stillFine() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId moved = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("a\r\n"));
            QueueId removed = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("b\r\n"));
            for (String suffix : List.of(".msg", ".env")) {
                Files.move(queue.resolve("incoming/" + moved + suffix), queue.resolve("deferred/" + moved + suffix));
                Files.delete(queue.resolve("incoming/" + removed + suffix));
            }

            store.checkpointNow();

            assertThat(journal()).isEmpty();
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id, QueueEntry::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(moved, "deferred"));
        }
    }

    @Test
    void close_clean_journalEmptyAndNothingReplayed() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            for (int i = 0; i < 5; i++) {
                store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("m" + i + "\r\n"));
            }
        }
        assertThat(journal()).isEmpty();
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
        }
        assertThat(QueueStore.list(queue)).hasSize(5);
    }

    @Test
    void commit_largerThanLimit_directPathNoJournalRecord() throws Exception {
        try (QueueStore store = QueueStore.open(queue, 1000, NEVER)) {
            QueueId big = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(1001)));
            QueueId small = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(1000)));
            assertThat(JournalReplay.read(queue.resolve("journal/00000001.wal")))
                    .extracting(JournalRecord::id).containsExactly(small);
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(big, small);
            assertThat(store.journalForces()).isEqualTo(1);
        }
    }

    @Test
    void commit_filesCannotBeWritten_refusedCancelRecordNotReplayed() throws Exception {
        QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER);
        try {
            QueueId id = store.newId();
            // Something already holds the name: the write after the journal append fails.
            Files.createDirectory(queue.resolve("incoming/" + id + ".env.new"));
            assertThatThrownBy(() -> store.commit(id, TestMessages.envelope("bob@example.org"),
                    TestMessages.content("refused\r\n")))
                    .isInstanceOfSatisfying(QueueWriteException.class, e -> assertThat(e.diskFull()).isFalse());
            Files.deleteIfExists(queue.resolve("incoming/" + id + ".env.new"));
            assertThat(JournalReplay.read(queue.resolve("journal/00000001.wal")))
                    .extracting(JournalRecord::kind, JournalRecord::id)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(JournalRecord.MESSAGE, id),
                            org.assertj.core.groups.Tuple.tuple(JournalRecord.CANCEL, id));
            assertThat(QueueStore.list(queue)).isEmpty();
            // A crash now: replay the segment as it is.
            Path copy = queue.resolve("copy.wal");
            Files.copy(queue.resolve("journal/00000001.wal"), copy);
            store.close();
            Files.copy(copy, queue.resolve("journal/00000001.wal"));
        } finally {
            store.close();
        }
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery().replayed()).isZero();
        }
        assertThat(QueueStore.list(queue)).isEmpty();
    }

    @Test
    void record_encodeThenRead_roundTrip() throws Exception {
        QueueId id = QueueId.parse("0MIHX3Q8G0000AB");
        byte[] env = "{}".getBytes(StandardCharsets.US_ASCII);
        byte[] msg = TestMessages.bytes(300);
        Files.createDirectories(queue.resolve("journal"));
        Path segment = queue.resolve("journal/00000001.wal");
        Files.write(segment, JournalRecord.message(id, env, msg).encode().array());
        assertThat(JournalReplay.read(segment)).singleElement().satisfies(record -> {
            assertThat(record.id()).isEqualTo(id);
            assertThat(record.env()).isEqualTo(env);
            assertThat(record.msg()).isEqualTo(msg);
        });
    }

    private List<String> journal() throws Exception {
        try (var files = Files.list(queue.resolve("journal"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
