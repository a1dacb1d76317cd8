package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueStoreTest {

    @TempDir
    Path queue;

    @Test
    void commit_thenList_showsMessageWithExactFields() throws Exception {
        QueueId id;
        try (QueueStore store = QueueStore.open(queue)) {
            id = store.commit(TestMessages.envelope("bob@example.org", "ann@example.org"),
                    TestMessages.content("Subject: hi\r\n\r\nhello\r\n"));
        }
        assertThat(QueueStore.list(queue)).containsExactly(new QueueEntry(id, "incoming", 22,
                TestMessages.ARRIVAL, "app@app.example.test",
                List.of(new RecipientState("bob@example.org", "pending", null),
                        new RecipientState("ann@example.org", "pending", null)),
                null));
    }

    @Test
    void commit_filesOnDisk_msgAndEnvInIncomingNothingInTmp() throws Exception {
        byte[] bytes = TestMessages.bytes(70_000);
        QueueId id;
        try (QueueStore store = QueueStore.open(queue)) {
            id = store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content(bytes));
        }
        assertThat(tree(queue)).containsExactly("active/", "corrupt/", "deferred/", "hold/", "incoming/",
                "incoming/" + id + ".env", "incoming/" + id + ".msg", "journal/", "lock", "tmp/");
        assertThat(Files.readAllBytes(queue.resolve("incoming/" + id + ".msg"))).isEqualTo(bytes);
        String env = Files.readString(queue.resolve("incoming/" + id + ".env"));
        assertThat(env).startsWith("{\n  \"format\" : 1,").contains("\"id\" : \"" + id + "\"",
                "\"size\" : 70000", "\"helo\" : \"web1.example.test\"").endsWith("\"end\" : true\n}\n");
        assertThat(mode(queue.resolve("incoming/" + id + ".msg"))).isEqualTo("rw-------");
        assertThat(mode(queue.resolve("incoming/" + id + ".env"))).isEqualTo("rw-------");
        for (String directory : List.of("incoming", "active", "deferred", "hold", "corrupt", "tmp")) {
            assertThat(mode(queue.resolve(directory))).as(directory).isEqualTo("rwx------");
        }
    }

    @Test
    void commit_fiftyVirtualThreads_uniqueIdsEachListedOnce() throws Exception {
        List<QueueId> ids = new ArrayList<>();
        try (QueueStore store = QueueStore.open(queue);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<QueueId>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String text = "Subject: message " + i + "\r\n\r\nbody\r\n";
                futures.add(executor.submit(() -> store.commit(
                        TestMessages.envelope("bob@example.org"), TestMessages.content(text))));
            }
            for (Future<QueueId> future : futures) {
                ids.add(future.get());
            }
        }
        assertThat(Set.copyOf(ids)).hasSize(50);
        assertThat(QueueStore.list(queue)).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(ids)
                .isSorted();
        assertThat(Files.list(queue.resolve("tmp"))).isEmpty();
    }

    @Test
    void commit_contentThrows_nothingLeftBehindNotDiskFull() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            assertThatThrownBy(() -> store.commit(TestMessages.envelope("bob@example.org"),
                    TestMessages.failing("Input/output error")))
                    .isInstanceOfSatisfying(QueueWriteException.class,
                            e -> assertThat(e.diskFull()).isFalse())
                    .hasMessageContaining("cannot queue message").hasMessageContaining("Input/output error");
            assertThat(tree(queue)).containsExactly("active/", "corrupt/", "deferred/", "hold/", "incoming/", "journal/", "lock", "tmp/");
        }
    }

    @Test
    void commit_enospcFromWrite_diskFullAndNothingLeftBehind() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            assertThatThrownBy(() -> store.commit(TestMessages.envelope("bob@example.org"),
                    TestMessages.failing("No space left on device")))
                    .isInstanceOfSatisfying(QueueWriteException.class, e -> assertThat(e.diskFull()).isTrue())
                    .hasMessageContaining("(file system full)");
            assertThat(tree(queue)).containsExactly("active/", "corrupt/", "deferred/", "hold/", "incoming/", "journal/", "lock", "tmp/");
        }
    }

    @Test
    void commit_contentShorterThanDeclared_refusedNothingLeftBehind() throws Exception {
        MessageContent lying = new MessageContent() {
            @Override
            public long size() {
                return 500;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write("Subject: cut\r\n".getBytes(StandardCharsets.US_ASCII));
                out.close(); // must not close the queue file before the fsync
            }
        };
        try (QueueStore store = QueueStore.open(queue)) {
            assertThatThrownBy(() -> store.commit(TestMessages.envelope("bob@example.org"), lying))
                    .isInstanceOf(QueueWriteException.class).hasMessageContaining("wrote 14 bytes but declared 500");
            assertThat(QueueStore.list(queue)).isEmpty();
            assertThat(tree(queue.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void commit_afterClose_illegalState() throws Exception {
        QueueStore store = QueueStore.open(queue);
        store.close();
        assertThatThrownBy(() -> store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void open_whileAnotherStoreHoldsTheQueue_refused() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            assertThatThrownBy(() -> QueueStore.open(queue)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is in use");
            assertThat(store.directory()).isEqualTo(queue.toAbsolutePath());
        }
        try (QueueStore again = QueueStore.open(queue)) {
            assertThat(again.recovery()).isEqualTo(new RecoveryReport(0, 0, 0, 0));
        }
    }

    @Test
    void list_neverModifiesAnything() throws Exception {
        try (QueueStore store = QueueStore.open(queue)) {
            store.commit(TestMessages.envelope("bob@example.org"), TestMessages.content("x\r\n"));
        }
        Files.writeString(queue.resolve("incoming/0MIHX3Q8G0000AB.env"), "{ truncated");
        Files.writeString(queue.resolve("incoming/0MIHX3Q8G0000AC.msg"), "half a commit");
        Files.writeString(queue.resolve("tmp/0MIHX3Q8G0000AD.msg"), "leftover");
        List<String> before = tree(queue);

        assertThat(QueueStore.list(queue)).hasSize(1);

        assertThat(tree(queue)).isEqualTo(before);
    }

    @Test
    void list_missingDirectory_empty() throws Exception {
        assertThat(QueueStore.list(queue.resolve("nothing-here"))).isEmpty();
    }

    /** Every path under {@code root}, but the journal's spare segment, which an open store keeps in tmp/ by design. */
    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(path -> !path.equals(root))
                    .filter(path -> !path.getFileName().toString().equals(QueueLayout.JOURNAL_SPARE))
                    .map(path -> root.relativize(path).toString().replace('\\', '/') + (Files.isDirectory(path) ? "/" : ""))
                    .sorted().toList();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
