package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.smtp.wire.client.Stage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The recording server itself, driven line by line over a raw socket (maddy {@code tests/mta_test.go}). */
@Timeout(20)
class RecordingSmtpServerIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A raw SMTP client: write lines, read reply lines. */
    private record Raw(Socket socket, BufferedReader in, OutputStream out) implements AutoCloseable {
        static Raw connect(RecordingSmtpServer server) throws IOException {
            Socket socket = server.connect();
            return new Raw(socket, new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)),
                    socket.getOutputStream());
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads one whole reply and returns its last line. */
        String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    return null;
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void transcript_batches_andMessage_fromARawPipelinedClient() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain()) {
            try (Raw raw = Raw.connect(server)) {
                assertThat(raw.reply()).startsWith("220 mx.test");
                raw.write("EHLO raw.test\r\n");
                assertThat(raw.reply()).isEqualTo("250 ENHANCEDSTATUSCODES");
                raw.write("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
                assertThat(raw.reply()).isEqualTo("250 2.1.0 Ok");
                assertThat(raw.reply()).isEqualTo("250 2.1.5 Ok");
                assertThat(raw.reply()).startsWith("354 ");
                raw.write("..dot\r\nline\r\n.\r\nQUIT\r\n");
                assertThat(raw.reply()).isEqualTo("250 2.0.0 Ok: queued as 0");
                assertThat(raw.reply()).isEqualTo("221 2.0.0 Bye");
            }
            server.awaitNoOpenConnections(WAIT);
            RecordedConnection connection = server.connection(0);
            assertThat(connection.commandBatches()).hasSize(3);
            assertThat(connection.commandBatches().get(1)).containsExactly("MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA");
            assertThat(connection.transcript()).contains("C: EHLO raw.test", "S: 250-mx.test Hello raw.test",
                    "S: 250-PIPELINING", "-- content 12 octets", "S: 221 2.0.0 Bye");
            assertThat(server.messages().get(0).contentAsString()).isEqualTo(".dot\r\nline\r\n");
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void sizeOverLimit_552_andUnadvertisedParameters_555() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().size(1000).eightBitMime(false).smtpUtf8(false).start();
             Raw raw = Raw.connect(server)) {
            raw.reply();
            raw.write("EHLO raw.test\r\n");
            raw.reply();
            raw.write("MAIL FROM:<a@x.test> SIZE=1001\r\n");
            assertThat(raw.reply()).startsWith("552 5.3.4");
            raw.write("MAIL FROM:<a@x.test> BODY=8BITMIME\r\n");
            assertThat(raw.reply()).startsWith("555 5.5.4");
            raw.write("MAIL FROM:<a@x.test> SMTPUTF8\r\n");
            assertThat(raw.reply()).startsWith("555 5.5.4");
            raw.write("MAIL FROM:<a@x.test> SIZE=1000\r\n");
            assertThat(raw.reply()).startsWith("250 ");
        }
    }

    @Test
    void authPlain_withoutInitialResponse_challengeThenAccepted() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().auth("u", "p").start();
             Raw raw = Raw.connect(server)) {
            raw.reply();
            raw.write("EHLO raw.test\r\n");
            raw.reply();
            raw.write("AUTH PLAIN\r\n");
            assertThat(raw.reply()).isEqualTo("334 ");
            raw.write(Base64.getEncoder().encodeToString("\0u\0p".getBytes(StandardCharsets.UTF_8)) + "\r\n");
            assertThat(raw.reply()).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void plaintextAfterStartTls_serverHangsUp() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(TestCa.shared().serverContext()).start()) {
            try (Raw raw = Raw.connect(server)) {
                raw.reply();
                raw.write("EHLO raw.test\r\n");
                raw.reply();
                raw.write("STARTTLS\r\nEHLO injected.test\r\n");
                assertThat(raw.reply()).startsWith("220 ");
                assertThat(raw.in().readLine()).isNull();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.connection(0).transcript()).anyMatch(line -> line.contains("CVE-2011-0411"));
        }
    }

    @Test
    void leakCheck_reportsAnOpenConnection_untilTheClientCloses() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain()) {
            Raw raw = Raw.connect(server);
            raw.reply();
            assertThat(server.openConnections()).isEqualTo(1);
            assertThatThrownBy(() -> server.awaitNoOpenConnections(Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("1 connection(s) still open");
            raw.close();
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void close_endsStalledAndIdleConnections_andJoinsThreads() throws Exception {
        RecordingSmtpServer server = RecordingSmtpServer.builder().stall(Stage.CONTENT).size(0).start();
        Raw stalled = Raw.connect(server);
        stalled.reply();
        stalled.write("EHLO raw.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
        for (int i = 0; i < 4; i++) {
            stalled.reply();
        }
        Raw idle = Raw.connect(server);
        idle.reply();

        server.close();

        assertThat(server.openConnections()).isZero();
        assertThat(stalled.in().readLine()).isNull();
        assertThat(idle.in().readLine()).isNull();
        stalled.close();
        idle.close();
        server.close();   // idempotent
    }
}
