package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    void removeDelivered_returnsWithoutWaitingForTheFsync_removeWaitsForIt() throws Exception {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            QueueId delivered = store.commit(TestMessages.envelope("bob@example.org"),
                    TestMessages.content("Subject: delivered\r\n\r\nbody\r\n"));
            QueueId deleted = store.commit(TestMessages.envelope("bob@example.org"),
                    TestMessages.content("Subject: deleted\r\n\r\nbody\r\n"));
            // From now on every fsync of the journal is held until the test releases it.
            holdForces(store, forcing, release);
            try {
                assertThat(executor.submit(() -> store.removeDelivered(delivered)).get(10, TimeUnit.SECONDS))
                        .as("returns while no fsync can complete").isTrue();
                assertThat(forcing.getCount()).as("and started none").isEqualTo(1);
                Future<Boolean> operatorDelete = executor.submit(() -> store.remove(deleted));
                forcing.await();
                assertThat(operatorDelete).as("waits for the held fsync").isNotDone();
                release.countDown();
                assertThat(operatorDelete.get(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                release.countDown();
            }
            assertThat(store.stateOf(delivered)).isEmpty();
        }
        // The cancel record written without waiting is in the journal all the same: neither comes back.
        assertThat(QueueStore.list(queue)).isEmpty();
        try (QueueStore reopened = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(reopened.listLive()).isEmpty();
        }
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

    /**
     * The event loop's commit: appended at once, answered from the sync thread only after the
     * force, and one force serves every record appended before it (group commit without a
     * waiting thread per message).
     */
    @Test
    void commitAsync_fiftyWhileTheForceIsHeld_noAnswerBeforeItOneForceServesAll() throws Exception {
        int messages = 50;
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(messages);
        List<QueueWriteException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<EnvelopeFile> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<QueueId> ids = new ArrayList<>();
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            store.onCommit(committed::add);
            holdForces(store, forcing, release);
            try {
                for (int i = 0; i < messages; i++) {
                    QueueId id = store.newId();
                    ids.add(id);
                    boolean taken = store.commitAsync(id, TestMessages.envelope("bob@example.org"),
                            TestMessages.content("Subject: async " + i + "\r\n\r\nbody\r\n"), failure -> {
                                if (failure != null) {
                                    failures.add(failure);
                                }
                                answered.countDown();
                            });
                    assertThat(taken).isTrue();
                }
                assertThat(forcing.await(10, TimeUnit.SECONDS)).as("the sync thread leads a force").isTrue();
                assertThat(answered.getCount()).as("no answer before the force").isEqualTo(messages);
                assertThat(committed).as("nothing handed on before the force").isEmpty();
            } finally {
                release.countDown();
            }
            assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
            assertThat(store.journalForces()).isEqualTo(1);
            assertThat(committed).extracting(EnvelopeFile::id).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(store.place(ids.get(0))).isEqualTo(QueueStore.Place.JOURNAL);
        }
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** A failed force answers every async commit it covered with the failure, and none is queued. */
    @Test
    void commitAsync_forceFails_answeredWithTheFailureNothingQueued() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.CompletableFuture<QueueWriteException> outcome = new java.util.concurrent.CompletableFuture<>();
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            // The force itself must fail, after the leader has noted the record: the hook closes
            // the current segment's channel, so that segment's force() throws, as a dead device would.
            java.lang.reflect.Field current = IntakeJournal.class.getDeclaredField("current");
            current.setAccessible(true);
            IntakeJournal journal = store.journal();
            journal.testHooks(() -> { }, () -> {
                if (failNext.getAndSet(false)) {
                    try {
                        ((IntakeJournal.Segment) current.get(journal)).channel.close();
                    } catch (ReflectiveOperationException | java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            QueueId id = store.newId();
            store.commitAsync(id, TestMessages.envelope("bob@example.org"), TestMessages.content("Subject: lost\r\n\r\nbody\r\n"),
                    outcome::complete);
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isNotNull()
                    .satisfies(failure -> assertThat(failure.getCause()).hasRootCauseInstanceOf(java.nio.channels.ClosedChannelException.class));
            assertThat(store.listLive()).extracting(QueueEntry::id).doesNotContain(id);
            // The store goes on: the next commit is durable and answered without a failure.
            java.util.concurrent.CompletableFuture<QueueWriteException> next = new java.util.concurrent.CompletableFuture<>();
            QueueId second = store.newId();
            store.commitAsync(second, TestMessages.envelope("bob@example.org"), TestMessages.content("Subject: kept\r\n\r\nbody\r\n"),
                    failure -> next.complete(failure == null ? null : failure));
            assertThat(next.get(10, TimeUnit.SECONDS)).isNull();
            assertThat(store.listLive()).extracting(QueueEntry::id).containsExactly(second);
        }
    }

    @Test
    void commitAsync_largerThanTheJournalLimit_declinedNothingWritten() throws Exception {
        try (QueueStore store = QueueStore.open(queue, 1000, NEVER)) {
            assertThat(store.commitAsync(store.newId(), TestMessages.envelope("bob@example.org"),
                    TestMessages.content(TestMessages.bytes(1001)), failure -> {
                        throw new AssertionError("no answer for a declined commit");
                    })).isFalse();
            assertThat(store.journalForces()).isZero();
            assertThat(store.listLive()).isEmpty();
        }
    }

    @Test
    void commit_oneThread_oneForcePerCommitNothingButTheJournalWritten() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId first = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));
            QueueId second = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("two\r\n"));
            assertThat(store.journalForces()).isEqualTo(2);
            assertThat(content(store, first)).isEqualTo("one\r\n");
            assertThat(store.place(first)).isEqualTo(QueueStore.Place.JOURNAL);
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(first, second);
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
            assertThat(QueueStoreTest.tree(queue.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void checkpointNow_messagesStillQueued_writtenToFilesAndStillReadable() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));

            store.checkpointNow();

            assertThat(store.place(id)).isEqualTo(QueueStore.Place.FILES);
            assertThat(Files.readString(queue.resolve("incoming/" + id + ".msg"))).isEqualTo("one\r\n");
            assertThat(content(store, id)).isEqualTo("one\r\n");
            assertThat(store.envelope(id)).hasValueSatisfying(env -> assertThat(env.size()).isEqualTo(5));
        }
    }

    @Test
    void openContent_segmentCheckpointedWhileOpen_streamStillReadsTheMessage() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("kept\r\n"));
            try (java.io.InputStream in = store.openContent(id).orElseThrow()) {
                store.checkpointNow();
                assertThat(journal()).isEmpty();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("kept\r\n");
            }
        }
    }

    @Test
    void openContent_readersOfOneSegment_shareOneChannelClosedByTheLastAfterTheCheckpoint() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId first = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("first\r\n"));
            QueueId second = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("second\r\n"));
            long before = openFiles();
            java.io.InputStream a = store.openContent(first).orElseThrow();
            java.io.InputStream b = store.openContent(second).orElseThrow();
            java.io.InputStream c = store.openContent(first).orElseThrow();
            assertThat(openFiles()).isEqualTo(before + 1); // one shared reader, not one file per stream
            assertThat(new String(a.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("first\r\n");
            a.close();
            a.close(); // idempotent: gives the reader back once
            store.checkpointNow();
            assertThat(journal()).isEmpty();
            // The segment's writer is closed; b and c still read the deleted segment through the reader.
            assertThat(openFiles()).isEqualTo(before + 1 - 1);
            assertThat(new String(b.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("second\r\n");
            b.close();
            assertThat(new String(c.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("first\r\n");
            c.close();
            assertThat(openFiles()).isEqualTo(before - 1); // the last reader closed it (and the writer is gone)
            assertThat(content(store, second)).isEqualTo("second\r\n"); // from its file now
        }
    }

    /** File descriptors this process has open (Linux). */
    private static long openFiles() throws java.io.IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void update_inJournalThenCrash_replayRestoresTheNewestStateInItsDirectory() throws Exception {
        QueueId id;
        Path copy = queue.resolve("copy.wal");
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("late\r\n"));
            EnvelopeFile deferred = withAttempts(store.envelope(id).orElseThrow(), 3);
            assertThat(store.update(deferred, "deferred")).isTrue();
            assertThat(store.envelope(id)).hasValueSatisfying(env -> assertThat(env.attempts()).isEqualTo(3));
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::state).containsExactly("deferred");
            Files.copy(queue.resolve("journal/00000001.wal"), copy); // the crash image
        }
        Files.copy(copy, queue.resolve("journal/00000001.wal"));
        clearStateDirectories();
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery().replayed()).isEqualTo(1);
            assertThat(again.envelope(id)).hasValueSatisfying(env -> assertThat(env.attempts()).isEqualTo(3));
            assertThat(Files.readString(queue.resolve("deferred/" + id + ".msg"))).isEqualTo("late\r\n");
        }
    }

    @Test
    void update_afterCheckpoint_filesRewrittenAndMoved() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("x\r\n"));
            store.checkpointNow();
            assertThat(store.update(withAttempts(store.envelope(id).orElseThrow(), 1), "deferred")).isTrue();
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
            assertThat(Files.readString(queue.resolve("deferred/" + id + ".msg"))).isEqualTo("x\r\n");
            assertThat(store.envelope(id)).hasValueSatisfying(env -> assertThat(env.attempts()).isEqualTo(1));
        }
    }

    @Test
    void remove_inJournalThenCrash_cancelRecordKeepsItGone() throws Exception {
        QueueId id;
        Path copy = queue.resolve("copy.wal");
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("gone\r\n"));
            assertThat(store.remove(id)).isTrue();
            assertThat(store.remove(id)).isFalse();
            assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
            assertThat(store.openContent(id)).isEmpty();
            assertThat(JournalReplay.read(queue.resolve("journal/00000001.wal")))
                    .extracting(JournalRecord::kind).containsExactly(JournalRecord.MESSAGE, JournalRecord.CANCEL);
            assertThat(QueueStore.list(queue)).isEmpty();
            Files.copy(queue.resolve("journal/00000001.wal"), copy);
        }
        Files.copy(copy, queue.resolve("journal/00000001.wal"));
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery().replayed()).isZero();
            assertThat(again.place(id)).isEqualTo(QueueStore.Place.GONE);
        }
    }

    @Test
    void remove_afterCheckpoint_filesDeleted() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("x\r\n"));
            store.checkpointNow();
            assertThat(store.remove(id)).isTrue();
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
            assertThat(QueueStore.list(queue)).isEmpty();
        }
    }

    private static String content(QueueStore store, QueueId id) throws Exception {
        try (java.io.InputStream in = store.openContent(id).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static EnvelopeFile withAttempts(EnvelopeFile env, int attempts) {
        return new EnvelopeFile(env.id(), env.sender(), env.arrival(), env.client(), env.helo(), env.smtputf8(),
                env.body(), env.messageId(), env.size(), attempts, "451 4.3.0 try later", env.recipients());
    }

    private void clearStateDirectories() throws Exception {
        for (String state : List.of("incoming", "active", "deferred", "hold")) {
            try (var files = Files.list(queue.resolve(state))) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
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
            store.update(store.envelope(moved).orElseThrow(), "deferred");
            store.remove(removed);

            store.checkpointNow();

            assertThat(journal()).isEmpty();
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id, QueueEntry::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(moved, "deferred"));
            assertThat(Files.exists(queue.resolve("deferred/" + moved + ".msg"))).isTrue();
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
        }
    }

    @Test
    void checkpointDue_segmentStillHoldsAQueuedMessage_keptUntilRetainForThenWrittenToFiles() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("wait\r\n"));
            store.checkpointDue(System.nanoTime());

            assertThat(journal()).containsExactly("00000001.wal");
            assertThat(store.place(id)).isEqualTo(QueueStore.Place.JOURNAL);
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
            assertThat(content(store, id)).isEqualTo("wait\r\n");

            store.checkpointDue(System.nanoTime() + IntakeJournal.RETAIN_FOR.toNanos());

            assertThat(journal()).isEmpty();
            assertThat(store.place(id)).isEqualTo(QueueStore.Place.FILES);
            assertThat(Files.readString(queue.resolve("incoming/" + id + ".msg"))).isEqualTo("wait\r\n");
        }
    }

    @Test
    void checkpointDue_everyMessageOfTheSegmentGone_segmentDeletedAtOnceNothingWritten() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId delivered = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("a\r\n"));
            QueueId deleted = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("b\r\n"));
            store.removeDelivered(delivered);
            store.remove(deleted);

            store.checkpointDue(System.nanoTime());

            assertThat(journal()).isEmpty();
            assertThat(queue.resolve("incoming")).isEmptyDirectory();
            assertThat(QueueStore.list(queue)).isEmpty();
        }
    }

    @Test
    void checkpointDue_emptySegmentBehindAKeptOne_waitsForIt() throws Exception {
        // The younger segment holds the cancel record of a message in the older one: deleting it
        // first would let a crash bring that message back.
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId kept = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("k\r\n"));
            QueueId gone = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("g\r\n"));
            long now = System.nanoTime();
            store.checkpointDue(now);
            QueueId young = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("y\r\n"));
            store.remove(gone);
            store.remove(young);

            store.checkpointDue(now);

            assertThat(journal()).containsExactly("00000001.wal", "00000002.wal");
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(kept);

            store.checkpointDue(System.nanoTime() + IntakeJournal.RETAIN_FOR.toNanos());

            assertThat(journal()).isEmpty();
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(kept);
            assertThat(store.place(kept)).isEqualTo(QueueStore.Place.FILES);
        }
    }

    @Test
    void checkpointDue_closedSegmentsOverTheByteLimit_oldestWrittenToFilesUntilUnder() throws Exception {
        // 17 of these fill a segment (16 MiB), so 53 make four: three full ones and a short one,
        // 53 MB of records against the 48 MiB kept. The checkpointer may already take the first
        // when the third fills up (it wakes for every full segment); either way the end is the same.
        int size = 1_000_000;
        List<QueueId> ids = new ArrayList<>();
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            for (int i = 0; i < 53; i++) {
                ids.add(store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(size))));
            }

            store.checkpointDue(System.nanoTime());

            assertThat(journal()).containsExactly("00000002.wal", "00000003.wal", "00000004.wal");
            assertThat(ids.subList(0, 17)).allSatisfy(id -> assertThat(store.place(id)).isEqualTo(QueueStore.Place.FILES));
            assertThat(ids.subList(17, 53)).allSatisfy(id -> assertThat(store.place(id)).isEqualTo(QueueStore.Place.JOURNAL));
            assertThat(QueueStore.list(queue)).hasSize(53);
        }
    }

    @Test
    void append_newSegment_isTheSpareRenamedNoFileCreatedOnTheAppendPath() throws Exception {
        Path spare = queue.resolve("tmp").resolve(QueueLayout.JOURNAL_SPARE);
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            Object first = Files.readAttributes(spare, BasicFileAttributes.class).fileKey();

            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));

            assertThat(journal()).containsExactly("00000001.wal");
            assertThat(Files.readAttributes(queue.resolve("journal/00000001.wal"), BasicFileAttributes.class).fileKey())
                    .isEqualTo(first);
            // The checkpointer makes the next one as soon as this one is taken.
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            Object second = Files.readAttributes(spare, BasicFileAttributes.class).fileKey();
            assertThat(second).isNotEqualTo(first);
            store.checkpointDue(System.nanoTime()); // closes 00000001.wal; the next commit opens a segment

            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("two\r\n"));

            assertThat(journal()).containsExactly("00000001.wal", "00000002.wal");
            assertThat(Files.readAttributes(queue.resolve("journal/00000002.wal"), BasicFileAttributes.class).fileKey())
                    .isEqualTo(second);
        }
        assertThat(queue.resolve("tmp")).isEmptyDirectory(); // a clean stop leaves no spare
        assertThat(journal()).isEmpty();
    }

    @Test
    void spare_zeroFilledAndTheRecordWrittenIntoItsBlocks_aCrashImageReplays() throws Exception {
        Path spare = queue.resolve("tmp").resolve(QueueLayout.JOURNAL_SPARE);
        Path segment = queue.resolve("journal/00000001.wal");
        Path copy = queue.resolve("copy.wal");
        QueueId id;
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            assertThat(Files.size(spare)).isEqualTo(IntakeJournal.MIN_ZEROED);
            assertThat(Files.readAllBytes(spare)).containsOnly((byte) 0);

            id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("zeroed\r\n"));

            assertThat(Files.size(segment)).isEqualTo(IntakeJournal.MIN_ZEROED); // written in place, not grown
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(id); // mailq reads to the zeros
            Files.copy(segment, copy); // the crash image: a record, then zeros
        }
        Files.copy(copy, segment);
        clearStateDirectories();
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery().replayed()).isEqualTo(1);
            assertThat(Files.readString(queue.resolve("incoming/" + id + ".msg"))).isEqualTo("zeroed\r\n");
        }
    }

    @Test
    void spare_afterALargerSegmentCloses_zeroFilledToTwiceWhatItHeld() throws Exception {
        Path spare = queue.resolve("tmp").resolve(QueueLayout.JOURNAL_SPARE);
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(100_000)));
            long held = Files.size(queue.resolve("journal/00000001.wal")); // grew past its zeros
            assertThat(held).isGreaterThan(100_000);
            // The spare that replaces the one segment 1 took, made before segment 1 closed (so of
            // the minimum length): segment 2 takes it, and the spare made then is the one checked.
            // Without this wait a slow checkpointer could still be making it when segment 2 begins,
            // which then begins without a spare, and the spare measured would be that minimum one.
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            store.checkpointDue(System.nanoTime()); // closes it (kept: its message is queued)

            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("next\r\n"));

            assertThat(journal()).containsExactly("00000001.wal", "00000002.wal");
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            assertThat(Files.size(spare)).isEqualTo(IntakeJournal.zeroedLength(held, IntakeJournal.DEFAULT_SEGMENT_LIMIT))
                    .isEqualTo(256L << 10);
        }
    }

    /**
     * Recycling: a segment with nothing queued is checkpointed into {@code tmp/}, its file becomes
     * the next spare and the segment after that is written into it from its start, over the old
     * records, with no zeros. A crash image of that replays the new records only: the delivered
     * messages whose records are still behind them never come back.
     */
    @Test
    void checkpoint_segmentWithNothingQueued_itsFileIsRecycled_andItsOldRecordsNeverReplay() throws Exception {
        Path tmp = queue.resolve("tmp");
        Path first = queue.resolve("journal/00000001.wal");
        Path third = queue.resolve("journal/00000003.wal");
        Path images = Files.createDirectories(queue.resolve("images"));
        List<QueueId> delivered = new ArrayList<>();
        QueueId kept;
        QueueId fresh;
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            for (int i = 0; i < 20; i++) {
                delivered.add(store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(5000))));
            }
            for (QueueId id : delivered) {
                assertThat(store.remove(id)).isTrue();
            }
            Object recycled = fileKey(first);
            byte[] before = Files.readAllBytes(first); // its records, then the zeros it was made with

            store.checkpointDue(System.nanoTime()); // closes segment 1: nothing in it is queued, so it goes now

            assertThat(journal()).isEmpty();
            assertThat(fileKey(tmp.resolve(QueueLayout.JOURNAL_RECYCLED))).isEqualTo(recycled);

            kept = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("kept\r\n")); // segment 2: the spare made at open
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue(); // the next: segment 1's file
            assertThat(fileKey(tmp.resolve(QueueLayout.JOURNAL_SPARE))).isEqualTo(recycled);
            assertThat(tmp.resolve(QueueLayout.JOURNAL_RECYCLED)).doesNotExist();
            store.checkpointDue(System.nanoTime()); // closes segment 2 (kept: its message is queued)

            // Of the old messages' size: its record ends exactly where segment 1's second one begins.
            fresh = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(5000)));

            assertThat(journal()).containsExactly("00000002.wal", "00000003.wal");
            assertThat(fileKey(third)).isEqualTo(recycled);
            byte[] after = Files.readAllBytes(third);
            int written = JournalRecord.HEADER + ByteBuffer.wrap(after).getInt(4);
            assertThat(written).isEqualTo(JournalRecord.HEADER + ByteBuffer.wrap(before).getInt(4));
            assertThat(after.length).isGreaterThanOrEqualTo(before.length);
            // Past the new record, segment 1's bytes are still there (nothing zeroed them): whole
            // records, the first right behind it, which a reader of segment 3 takes for none of its own.
            assertThat(java.util.Arrays.copyOfRange(after, written, before.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(before, written, before.length));
            assertThat(ByteBuffer.wrap(after).getInt(written)).isIn(JournalRecord.MAGIC, JournalRecord.MAGIC_V1);
            assertThat(JournalReplay.read(third)).extracting(JournalRecord::id).containsExactly(fresh);
            assertThat(JournalReplay.scanSegment(third, id -> true)).extracting(scanned -> scanned.record().id())
                    .containsExactly(fresh);
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(kept, fresh);
            Files.copy(queue.resolve("journal/00000002.wal"), images.resolve("00000002.wal"));
            Files.copy(third, images.resolve("00000003.wal"));
        }
        // The crash image: both segments as they were, no files written from them.
        Files.copy(images.resolve("00000002.wal"), queue.resolve("journal/00000002.wal"));
        Files.copy(images.resolve("00000003.wal"), third);
        clearStateDirectories();
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery().replayed()).isEqualTo(2);
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(kept, fresh);
        }
    }

    /** A reader still reading a checkpointed segment keeps its bytes: that file is deleted, not recycled. */
    @Test
    void checkpoint_segmentAReaderStillReads_deletedNotRecycled_theReaderReadsItAllStill() throws Exception {
        byte[] body = TestMessages.bytes(20_000);
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(body));
            try (InputStream reading = store.openContent(id).orElseThrow()) {
                assertThat(reading.readNBytes(100)).isEqualTo(java.util.Arrays.copyOf(body, 100));
                assertThat(store.remove(id)).isTrue(); // delivered while its content was still being read

                store.checkpointDue(System.nanoTime());

                assertThat(journal()).isEmpty();
                assertThat(queue.resolve("tmp").resolve(QueueLayout.JOURNAL_RECYCLED)).doesNotExist();
                store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(20_000)));
                assertThat(reading.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(body, 100, body.length));
            }
        }
    }

    @Test
    void close_recycledFileNotLeftBehind() throws Exception {
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("gone\r\n"));
            assertThat(store.remove(id)).isTrue();
            store.checkpointDue(System.nanoTime());
            assertThat(queue.resolve("tmp").resolve(QueueLayout.JOURNAL_RECYCLED)).exists();
        }
        assertThat(queue.resolve("tmp")).isEmptyDirectory();
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void zeroedLength_twiceTheLastSegmentInWholeMinimumsWithinTheLimit() {
        long limit = IntakeJournal.DEFAULT_SEGMENT_LIMIT;
        long min = IntakeJournal.MIN_ZEROED;
        assertThat(IntakeJournal.zeroedLength(0, limit)).isEqualTo(min);
        assertThat(IntakeJournal.zeroedLength(1, limit)).isEqualTo(min);
        assertThat(IntakeJournal.zeroedLength(min / 2, limit)).isEqualTo(min);
        assertThat(IntakeJournal.zeroedLength(min / 2 + 1, limit)).isEqualTo(2 * min);
        assertThat(IntakeJournal.zeroedLength(5L << 20, limit)).isEqualTo(10L << 20);
        assertThat(IntakeJournal.zeroedLength(limit / 2 + 1, limit)).isEqualTo(limit);
        assertThat(IntakeJournal.zeroedLength(limit + (1 << 20), limit)).isEqualTo(limit); // a record past the limit
        assertThat(IntakeJournal.zeroedLength(0, 1000)).isEqualTo(1000);
    }

    @Test
    void checkpointDue_keptSegment_itsUnusedZerosCutOff() throws Exception {
        Path segment = queue.resolve("journal/00000001.wal");
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isTrue();
            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("kept\r\n"));
            assertThat(Files.size(segment)).isEqualTo(IntakeJournal.MIN_ZEROED);

            store.checkpointDue(System.nanoTime());

            assertThat(journal()).containsExactly("00000001.wal");
            byte[] left = Files.readAllBytes(segment);
            assertThat(left.length).isPositive().isLessThan((int) IntakeJournal.MIN_ZEROED);
            assertThat(left[left.length - 1]).isEqualTo((byte) '\n'); // the record's last byte, the message's
            assertThat(content(store, id)).isEqualTo("kept\r\n");
        }
    }

    @Test
    void open_spareLeftByACrash_deletedAndNotCountedAsPartial() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));
        }
        Files.createFile(queue.resolve("tmp").resolve(QueueLayout.JOURNAL_SPARE)); // the crash image

        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
            assertThat(QueueStore.list(queue)).hasSize(1);
        }
        assertThat(queue.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void append_noSpareCanBeMade_theAppendCreatesTheSegment() throws Exception {
        // A directory where the spare goes: the checkpointer cannot delete or create it.
        Files.createDirectories(queue.resolve("tmp").resolve(QueueLayout.JOURNAL_SPARE).resolve("in-the-way"));
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(store.journal().awaitSpare(Duration.ofSeconds(10))).isFalse();

            QueueId id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("one\r\n"));

            assertThat(journal()).containsExactly("00000001.wal");
            assertThat(content(store, id)).isEqualTo("one\r\n");
        }
        assertThat(QueueStore.list(queue)).hasSize(1);
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

    /** From now on every fsync of the journal counts {@code forcing} down, then waits for {@code release}. */
    private static void holdForces(QueueStore store, CountDownLatch forcing, CountDownLatch release) {
        store.journal().testHooks(() -> { }, () -> {
            forcing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private List<String> journal() throws Exception {
        try (var files = Files.list(queue.resolve("journal"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
