package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.Capabilities;
import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.smtp.wire.client.OutboundEnvelope;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.smtp.wire.client.TransactionResult;
import dev.steward.smtp.wire.client.TransportNeeds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ClientSession} delivering plaintext to a {@link RecordingSmtpServer} on loopback. */
@Timeout(20)
class ClientSessionDeliveryIT {

    static final ClientTimeouts TIMEOUTS = ClientTimeouts.uniform(Duration.ofSeconds(5));
    static final Duration WAIT = Duration.ofSeconds(5);
    static final String MESSAGE = "From: a@x.test\r\nTo: b@y.test\r\nSubject: hello\r\n\r\nHello.\r\n";

    static ClientSession greeted(RecordingSmtpServer server) throws IOException {
        ClientSession session = ClientSession.over(server.connect(), TIMEOUTS);
        session.readGreeting();
        session.ehlo("client.test");
        return session;
    }

    static TransactionResult.Attempted send(ClientSession session, byte[] content, String sender, String... recipients)
            throws IOException {
        TransportNeeds needs = TransportNeeds.scan(sender, List.of(recipients), new ByteArrayInputStream(content));
        return (TransactionResult.Attempted) session.send(
                new OutboundEnvelope(sender, List.of(recipients), content.length, needs), new ByteArrayInputStream(content));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void send_withPipelining_oneBatch_messageRecorded() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain()) {
            try (ClientSession session = greeted(server)) {
                TransactionResult.Attempted result = send(session, bytes(MESSAGE), "a@x.test", "b@y.test", "c@y.test");

                assertThat(result.pipelined()).isTrue();
                assertThat(result.acceptedRecipients()).containsExactly("b@y.test", "c@y.test");
                assertThat(result.end().code()).isEqualTo(250);
                assertThat(session.quit().code()).isEqualTo(221);
            }
            server.awaitNoOpenConnections(WAIT);

            ReceivedMessage message = server.messages().get(0);
            assertThat(message.sender()).isEqualTo("a@x.test");
            assertThat(message.recipients()).containsExactly("b@y.test", "c@y.test");
            assertThat(message.mailParameters()).containsEntry("SIZE", String.valueOf(MESSAGE.length()));
            assertThat(message.contentAsString()).isEqualTo(MESSAGE);
            assertThat(server.connection(0).commandBatches()).containsExactly(
                    List.of("EHLO client.test"),
                    List.of("MAIL FROM:<a@x.test> SIZE=" + MESSAGE.length(), "RCPT TO:<b@y.test>", "RCPT TO:<c@y.test>", "DATA"),
                    List.of("QUIT"));
        }
    }

    @Test
    void send_withoutPipelining_lockStep() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().pipelining(false).noSize().start()) {
            try (ClientSession session = greeted(server)) {
                TransactionResult.Attempted result = send(session, bytes(MESSAGE), "a@x.test", "b@y.test", "c@y.test");
                assertThat(result.pipelined()).isFalse();
                assertThat(result.contentAccepted()).isTrue();
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);

            assertThat(server.connection(0).commandBatches()).containsExactly(
                    List.of("EHLO client.test"), List.of("MAIL FROM:<a@x.test>"), List.of("RCPT TO:<b@y.test>"),
                    List.of("RCPT TO:<c@y.test>"), List.of("DATA"), List.of("QUIT"));
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void send_perRecipientReplies_450And550_onlyAcceptedRecipientGetsTheMessage() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .replyToRecipient("b@x.test", SmtpReply.of(450, "4.2.0", "Mailbox busy"))
                .replyToRecipient("c@x.test", SmtpReply.of(550, "5.1.1", "No such user"))
                .start();
             ClientSession session = greeted(server)) {
            TransactionResult.Attempted result = send(session, bytes(MESSAGE), "a@x.test", "b@x.test", "c@x.test", "d@x.test");

            assertThat(result.recipients()).extracting(r -> r.recipient() + " " + r.reply().oneLine()).containsExactly(
                    "b@x.test 450 4.2.0 Mailbox busy", "c@x.test 550 5.1.1 No such user", "d@x.test 250 2.1.5 Ok");
            assertThat(result.contentAccepted()).isTrue();
            assertThat(server.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("d@x.test");
        }
    }

    @Test
    void send_noRecipientAccepted_contentNeverSent_thenRsetAndNextMessage() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .replyToRecipient("gone@x.test", SmtpReply.of(550, "5.1.1", "No such user"))
                .start()) {
            try (ClientSession session = greeted(server)) {
                TransactionResult.Attempted refused = send(session, bytes(MESSAGE), "a@x.test", "gone@x.test");
                assertThat(refused.acceptedRecipients()).isEmpty();
                assertThat(refused.data().code()).isEqualTo(554);
                assertThat(refused.end()).isNull();

                TransactionResult.Attempted next = send(session, bytes(MESSAGE), "a@x.test", "b@x.test");
                assertThat(next.contentAccepted()).isTrue();
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.connection(0).commands()).containsExactly("EHLO client.test",
                    "MAIL FROM:<a@x.test> SIZE=" + MESSAGE.length(), "RCPT TO:<gone@x.test>", "DATA",
                    "RSET", "MAIL FROM:<a@x.test> SIZE=" + MESSAGE.length(), "RCPT TO:<b@x.test>", "DATA", "QUIT");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void send_dotStuffingAndEightBit_byteExact() throws Exception {
        String content = "Subject: dots\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n"
                + ".leading dot\r\n..two dots\r\n.\r\nline after a lone dot\r\ncaf\u00e9 na\u00efve \u2603\r\n\r\n.";
        byte[] bytes = bytes(content);
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain();
             ClientSession session = greeted(server)) {
            TransactionResult.Attempted result = send(session, bytes, "a@x.test", "b@y.test");

            assertThat(result.contentAccepted()).isTrue();
            ReceivedMessage message = server.awaitMessages(1, WAIT).get(0);
            // The content did not end in CRLF: the client adds one, nothing else changes.
            assertThat(message.content()).isEqualTo(bytes(content + "\r\n"));
            assertThat(message.mailParameters()).containsEntry("BODY", "8BITMIME").doesNotContainKey("SMTPUTF8");
        }
    }

    @Test
    void send_largeMessage_streamedByteExact() throws Exception {
        StringBuilder content = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; content.length() < 3_000_000; i++) {
            content.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" ").append("x".repeat(i % 120)).append("\r\n");
        }
        byte[] bytes = bytes(content.toString());
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain();
             ClientSession session = greeted(server)) {
            assertThat(send(session, bytes, "a@x.test", "b@y.test").contentAccepted()).isTrue();
            assertThat(server.awaitMessages(1, WAIT).get(0).content()).isEqualTo(bytes);
        }
    }

    @Test
    void send_severalMessagesOnOneConnection_includingARefusedOne() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .script((stage, argument, index) -> stage == Stage.DOT && index == 1
                        ? SmtpReply.of(554, "5.7.1", "Content refused") : null)
                .start()) {
            try (ClientSession session = greeted(server)) {
                for (int i = 0; i < 3; i++) {
                    TransactionResult.Attempted result = send(session, bytes("Subject: " + i + "\r\n\r\nbody " + i + "\r\n"),
                            "a@x.test", "b@y.test");
                    assertThat(result.end().code()).as("message %d", i).isEqualTo(i == 1 ? 554 : 250);
                }
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.acceptedConnections()).isEqualTo(1);
            assertThat(server.messages()).extracting(ReceivedMessage::contentAsString)
                    .containsExactly("Subject: 0\r\n\r\nbody 0\r\n", "Subject: 2\r\n\r\nbody 2\r\n");
        }
    }

    @Test
    void send_smtpUtf8NeededButNotOffered_notAttempted_thenAsciiMessageStillGoes() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().smtpUtf8(false).start();
             ClientSession session = greeted(server)) {
            byte[] content = bytes("Subject: gr\u00fc\u00dfe\r\n\r\nhi\r\n");
            OutboundEnvelope envelope = new OutboundEnvelope("a@x.test", List.of("b@y.test"), content.length,
                    TransportNeeds.scan("a@x.test", List.of("b@y.test"), new ByteArrayInputStream(content)));

            TransactionResult result = session.send(envelope, new ByteArrayInputStream(content));

            assertThat(result).isEqualTo(new TransactionResult.NotAttempted("SMTPUTF8"));
            assertThat(server.connection(0).commands()).containsExactly("EHLO client.test");
            assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
        }
    }

    @Test
    void send_smtpUtf8Offered_parameterSent_utf8EnvelopeRecorded() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain();
             ClientSession session = greeted(server)) {
            TransactionResult.Attempted result = send(session, bytes("Subject: gr\u00fc\u00dfe\r\n\r\nhi\r\n"),
                    "j\u00f6rg@x.test", "b@b\u00fccher.test");

            assertThat(result.contentAccepted()).isTrue();
            ReceivedMessage message = server.awaitMessages(1, WAIT).get(0);
            assertThat(message.sender()).isEqualTo("j\u00f6rg@x.test");
            assertThat(message.recipients()).containsExactly("b@b\u00fccher.test");
            assertThat(message.mailParameters()).containsKeys("SMTPUTF8", "BODY");
        }
    }

    @Test
    void ehlo_multiLineReply_parsed_andRefusedEhlo_fallsBackToHelo() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .extraEhloKeywords("DSN", "VRFY", "ETRN", "CHUNKING", "X-EXPERIMENT one two").start();
             ClientSession session = greeted(server)) {
            Capabilities capabilities = session.capabilities();
            assertThat(capabilities.extensions().keySet()).containsExactly("PIPELINING", "SIZE", "8BITMIME", "SMTPUTF8",
                    "ENHANCEDSTATUSCODES", "DSN", "VRFY", "ETRN", "CHUNKING", "X-EXPERIMENT");
            assertThat(capabilities.sizeLimit()).isEqualTo(10L * 1024 * 1024);
            assertThat(capabilities.extensions()).containsEntry("X-EXPERIMENT", "one two");
        }
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().refuseEhlo().start();
             ClientSession session = greeted(server)) {
            assertThat(session.capabilities().extended()).isFalse();
            TransactionResult.Attempted result = send(session, bytes(MESSAGE), "a@x.test", "b@y.test");
            assertThat(result.pipelined()).isFalse();
            assertThat(result.contentAccepted()).isTrue();
            assertThat(server.connection(0).commands()).startsWith("EHLO client.test", "HELO client.test", "MAIL FROM:<a@x.test>");
        }
    }

    @Test
    void sessions_closedOrQuit_leaveNoOpenConnections() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain()) {
            ClientSession quitting = greeted(server);
            ClientSession aborted = greeted(server);
            assertThat(server.openConnections()).isEqualTo(2);
            quitting.quit();
            aborted.close();
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.acceptedConnections()).isEqualTo(2);
        }
    }
}
