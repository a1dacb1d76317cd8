package dev.steward.relay.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue on a small tmpfs that fills up: never a 250 without the message stored, 452 4.3.1
 * while the disk is full, and intake recovers as soon as space returns. Mounting needs root (CI).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiskFullIT {

    @TempDir
    Path temp;

    private Path mountPoint;

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    void fullDisk_answers452_andIntakeRecoversWhenSpaceReturns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        mountPoint = Files.createDirectories(temp.resolve("queue"));
        run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mountPoint.toString());

        String body = "x".repeat(998) + "\r\n";
        String message = "From: app@app.example.test\r\nSubject: filler\r\n\r\n" + body.repeat(60); // ~60 KiB
        List<String> acknowledged = new ArrayList<>();
        try (RelayFixture relay = RelayFixture.start(temp, "");
             SmtpTestClient client = relay.connect()) {
            // Leave about 300 KiB free, so a handful of messages fit and then the disk is full.
            long free = Files.getFileStore(mountPoint).getUsableSpace();
            Path filler = mountPoint.resolve("filler");
            Files.write(filler, new byte[(int) Math.max(0, free - 300 * 1024)]);

            client.command("EHLO app.example.test");
            String reply = "";
            for (int i = 0; i < 40 && !reply.startsWith("452"); i++) {
                reply = client.sendMessage("app@app.example.test", message, "bob@example.org");
                if (reply.startsWith("250 ")) {
                    acknowledged.add(reply.substring(reply.lastIndexOf(' ') + 1));
                } else {
                    assertThat(reply).isEqualTo("452 4.3.1 Insufficient system storage, try again later");
                }
            }
            assertThat(reply).as("the disk filled up within 40 messages").startsWith("452 4.3.1");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            // A message too big for the in-memory spool cannot even be spilled: still 452, still in sync.
            Files.write(mountPoint.resolve("filler2"), new byte[(int) Files.getFileStore(mountPoint).getUsableSpace()]);
            String big = "From: app@app.example.test\r\nSubject: big\r\n\r\n" + body.repeat(300); // ~300 KiB
            assertThat(client.sendMessage("app@app.example.test", big, "bob@example.org"))
                    .isEqualTo("452 4.3.1 Insufficient system storage, try again later");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            Files.delete(mountPoint.resolve("filler2"));
            assertQueued(relay, acknowledged);

            Files.delete(filler);
            reply = client.sendMessage("app@app.example.test", message, "bob@example.org");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            acknowledged.add(reply.substring(reply.lastIndexOf(' ') + 1));
            assertQueued(relay, acknowledged);
        }
    }

    private static void assertQueued(RelayFixture relay, List<String> acknowledged) throws IOException {
        List<String> queued = QueueStore.list(relay.queueDirectory()).stream().map(QueueEntry::id)
                .map(id -> id.value()).toList();
        assertThat(queued).containsExactlyInAnyOrderElementsOf(acknowledged);
        for (String id : acknowledged) {
            byte[] stored = QueueStore.readContent(relay.queueDirectory(), QueueId.parse(id)).orElseThrow();
            assertThat(new String(stored, StandardCharsets.UTF_8)).endsWith("x".repeat(998) + "\r\n");
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
