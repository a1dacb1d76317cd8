package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A start after a crash while the queue's disk is full: the replay cannot write the journal's
 * messages to files, so it keeps the segments and the store serves those messages from them
 * (before, the store did not open and the relay did not start). The queue is a small tmpfs;
 * mounting needs root, as CI has (skipped otherwise, like {@code DiskFullIT}).
 */
class JournalFullDiskIT {

    private static final Duration NEVER = Duration.ofHours(1);
    private static final int MESSAGES = 12;
    private static final int SIZE = 100_000;

    @TempDir
    Path temp;

    private Path queue;
    private Path mountPoint;
    private final Logger replayLogger = (Logger) LoggerFactory.getLogger(JournalReplay.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void mount() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        mountPoint = Files.createDirectories(temp.resolve("mnt"));
        run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mountPoint.toString());
        queue = mountPoint.resolve("queue");
        logged.start();
        replayLogger.addAppender(logged);
    }

    @AfterEach
    void unmount() throws Exception {
        replayLogger.detachAppender(logged);
        if (mountPoint != null) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    void openAfterACrashOnAFullDisk_messagesServedFromTheKeptSegment_spaceFreedByDelivery() throws Exception {
        Crash crash = crashWithQueuedMessages();
        Path filler = fillLeaving(64 * 1024);

        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(warnings("queue_journal_kept")).singleElement().asString()
                    .contains("segments=1", "messages=" + (MESSAGES - 1), "disk is full");
            assertThat(journal()).containsExactly("00000001.wal");
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(crash.live());
            for (QueueId id : crash.live()) {
                assertThat(store.place(id)).isEqualTo(QueueStore.Place.JOURNAL);
                assertThat(content(store, id)).isEqualTo(crash.content(id));
            }
            // The newest state, from the STATE record after the message's own record.
            assertThat(store.envelope(crash.deferred()).orElseThrow().attempts()).isEqualTo(1);
            assertThat(store.stateOf(crash.deferred())).contains(QueueLayout.DEFERRED);
            assertThat(store.envelope(crash.cancelled())).isEmpty();

            assertThatThrownBy(() -> store.commit(TestMessages.envelope("bob@example.org"),
                    TestMessages.content(TestMessages.bytes(SIZE))))
                    .isInstanceOfSatisfying(QueueWriteException.class, e -> assertThat(e.diskFull()).isTrue());

            // The failed append truncated its segment back, which freed its zeros: take every
            // byte left (after the checkpointer's attempt at a new spare), so that not even a
            // cancel record fits.
            store.journal().awaitSpare(Duration.ofSeconds(10));
            Path rest = fillLeaving(0);
            // An operator's delete needs its cancel record on disk: it fails, and the message stays.
            QueueId kept = crash.live().get(1);
            assertThatThrownBy(() -> store.remove(kept)).isInstanceOf(IOException.class).hasMessageContaining("No space left");
            assertThat(store.place(kept)).isEqualTo(QueueStore.Place.JOURNAL);
            // Delivery frees the space: removed although its cancel record does not fit, and the
            // segment goes once nothing in it is queued.
            for (QueueId id : crash.live()) {
                assertThat(store.removeDelivered(id)).isTrue();
            }
            store.checkpointDue(System.nanoTime());
            assertThat(journal()).isEmpty(); // the kept segment and the one the failed commit began
            Files.delete(rest);
            QueueId next = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(TestMessages.bytes(SIZE)));
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactly(next);
            assertThat(journal()).hasSize(1).doesNotContain("00000001.wal"); // numbered after the kept one
        }
        Files.delete(filler);
    }

    @Test
    void openAfterACrashOnAFullDisk_spaceReturns_theCheckpointWritesTheFilesAndDeletesTheSegment() throws Exception {
        Crash crash = crashWithQueuedMessages();
        Path filler = fillLeaving(64 * 1024);

        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(crash.live()).allSatisfy(id -> assertThat(store.place(id)).isEqualTo(QueueStore.Place.JOURNAL));
            // Still full: the checkpoint fails and keeps the segment; nothing is lost.
            assertThatThrownBy(() -> store.checkpointDue(System.nanoTime() + IntakeJournal.RETAIN_FOR.toNanos()))
                    .isInstanceOf(IOException.class);
            assertThat(journal()).containsExactly("00000001.wal");
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(crash.live());

            Files.delete(filler);
            store.checkpointDue(System.nanoTime() + IntakeJournal.RETAIN_FOR.toNanos());

            assertThat(journal()).isEmpty();
            for (QueueId id : crash.live()) {
                assertThat(store.place(id)).isEqualTo(QueueStore.Place.FILES);
                String state = id.equals(crash.deferred()) ? QueueLayout.DEFERRED : QueueLayout.INCOMING;
                assertThat(Files.readAllBytes(queue.resolve(state).resolve(id + ".msg"))).isEqualTo(crash.content(id));
            }
        }
        try (QueueStore again = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(again.recovery().replayed()).isZero();
            assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(crash.live());
        }
    }

    @Test
    void openAfterACrashOnAFullDisk_aMessageWhoseNewestEnvelopeDisagreesWithItsContent_skippedWithAWarning() throws Exception {
        Crash crash = crashWithQueuedMessages(store -> {
            // A CRC-correct STATE record whose envelope gives another size: a bug, never a torn write.
            List<QueueEntry> queued = QueueStore.list(queue);
            QueueId id = queued.get(queued.size() - 1).id(); // the newest
            EnvelopeFile envelope = store.envelope(id).orElseThrow();
            EnvelopeFile wrongSize = new EnvelopeFile(id, envelope.sender(), envelope.arrival(), envelope.client(),
                    envelope.helo(), envelope.smtputf8(), envelope.body(), envelope.messageId(), envelope.size() + 1,
                    1, null, envelope.recipients(), null, false);
            assertThat(store.update(wrongSize, QueueLayout.DEFERRED)).isTrue();
        });
        QueueId bad = crash.live().get(crash.live().size() - 1);
        Path filler = fillLeaving(64 * 1024);

        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            assertThat(warnings("queue_journal_bad_record")).singleElement().asString()
                    .contains("queue_id=" + bad, "size " + (SIZE + 1) + " but " + SIZE + " bytes");
            assertThat(warnings("queue_journal_kept")).singleElement().asString().contains("messages=" + (MESSAGES - 2));
            assertThat(store.place(bad)).isEqualTo(QueueStore.Place.GONE);
            assertThat(crash.live().subList(0, crash.live().size() - 1))
                    .allSatisfy(id -> assertThat(store.place(id)).isEqualTo(QueueStore.Place.JOURNAL));
            Files.delete(filler); // a clean stop writes the files
        }
    }

    /** What a crash left: one segment with every message, no files; one message deferred, one cancelled. */
    private record Crash(List<QueueId> live, List<byte[]> contents, QueueId deferred, QueueId cancelled) {

        byte[] content(QueueId id) {
            return contents.get(live.indexOf(id));
        }
    }

    private Crash crashWithQueuedMessages() throws Exception {
        return crashWithQueuedMessages(store -> { });
    }

    private interface BeforeTheCrash {
        void run(QueueStore store) throws Exception;
    }

    private Crash crashWithQueuedMessages(BeforeTheCrash more) throws Exception {
        List<QueueId> live = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        QueueId cancelled;
        Path segment = queue.resolve("journal/00000001.wal");
        byte[] image;
        try (QueueStore store = QueueStore.open(queue, QueueStore.JOURNAL_LIMIT, NEVER)) {
            for (int i = 0; i < MESSAGES; i++) {
                byte[] bytes = TestMessages.bytes(SIZE);
                bytes[0] = (byte) ('a' + i); // each message its own content
                live.add(store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(bytes)));
                contents.add(bytes);
            }
            EnvelopeFile first = store.envelope(live.get(0)).orElseThrow();
            assertThat(store.update(first.afterAttempt(first.recipients(), 1, "4.4.1 connection refused", null, false),
                    QueueLayout.DEFERRED)).isTrue();
            cancelled = live.get(1);
            assertThat(store.remove(cancelled)).isTrue();
            more.run(store);
            image = Files.readAllBytes(segment); // the crash image: every record, no file written yet
        }
        // The clean stop wrote the files and deleted the segment; put the queue back as the crash left it.
        for (String state : List.of("incoming", "active", "deferred", "hold")) {
            try (var files = Files.list(queue.resolve(state))) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.write(segment, image);
        contents.remove(1);
        live.remove(1);
        return new Crash(List.copyOf(live), contents, live.get(0), cancelled);
    }

    /** Fills the tmpfs so that about {@code free} bytes stay free (a new filler file each call). */
    private Path fillLeaving(long free) throws IOException {
        Path filler = Files.createTempFile(mountPoint, "filler", "");
        long usable = Files.getFileStore(mountPoint).getUsableSpace();
        Files.write(filler, new byte[(int) Math.max(0, usable - free)]);
        return filler;
    }

    private static byte[] content(QueueStore store, QueueId id) throws IOException {
        try (InputStream in = store.openContent(id).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private List<String> warnings(String event) {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith(event)).toList();
    }

    private List<String> journal() throws IOException {
        try (var files = Files.list(queue.resolve("journal"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
