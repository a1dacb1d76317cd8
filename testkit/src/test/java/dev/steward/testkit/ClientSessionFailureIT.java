package dev.steward.testkit;

import static dev.steward.testkit.ClientSessionDeliveryIT.MESSAGE;
import static dev.steward.testkit.ClientSessionDeliveryIT.WAIT;
import static dev.steward.testkit.ClientSessionDeliveryIT.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.ClientFailure;
import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.smtp.wire.client.OutboundEnvelope;
import dev.steward.smtp.wire.client.SmtpClientException;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.smtp.wire.client.TransactionResult;
import dev.steward.smtp.wire.client.TransportNeeds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad peers (STYLE B4, JDK {@code TruncatedRequestBody.java}): a refusing greeting, stalls past a
 * timeout, a close in the middle of DATA. Each failure must name its stage and close the session.
 */
@Timeout(30)
class ClientSessionFailureIT {

    /** Short limits so stalls fail fast; each one distinct, to check which limit applied. */
    private static final ClientTimeouts SHORT = new ClientTimeouts(Duration.ofSeconds(5), Duration.ofMillis(400),
            Duration.ofMillis(300), Duration.ofMillis(350), Duration.ofMillis(500), Duration.ofMillis(450),
            Duration.ofSeconds(5));

    private static OutboundEnvelope envelope(byte[] content) {
        return new OutboundEnvelope("a@x.test", List.of("b@y.test"), content.length, TransportNeeds.NONE);
    }

    @Test
    void greeting421_rejectedAtGreeting_connectionClosed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .greeting(SmtpReply.of(421, "4.3.2", "Service not available, closing channel")).start()) {
            ClientSession session = ClientSession.over(server.connect(), SHORT);

            assertThatThrownBy(session::readGreeting).isInstanceOfSatisfying(SmtpClientException.class, e -> {
                ClientFailure.Rejected rejected = (ClientFailure.Rejected) e.failure();
                assertThat(rejected.stage()).isEqualTo(Stage.GREETING);
                assertThat(rejected.reply().code()).isEqualTo(421);
                assertThat(rejected.reply().enhancedStatus()).isEqualTo("4.3.2");
                assertThat(e.getMessage()).contains("GREETING", "421", "127.0.0.1:" + server.port());
            });
            assertThat(session.isOpen()).isFalse();
            server.awaitNoOpenConnections(WAIT);
        }
    }

    @Test
    void greeting554_rejected() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .greeting(SmtpReply.of(554, "5.7.1", "No SMTP service here")).start();
             ClientSession session = ClientSession.over(server.connect(), SHORT)) {
            assertThatThrownBy(session::readGreeting).isInstanceOfSatisfying(SmtpClientException.class,
                    e -> assertThat(((ClientFailure.Rejected) e.failure()).reply().code()).isEqualTo(554));
        }
    }

    /** The server reads the command and never answers: the wait times out with that stage's limit. */
    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"GREETING", "EHLO", "MAIL", "RCPT", "DATA", "DOT"})
    void stall_timesOut_namingTheStageAndItsLimit(Stage stalled) throws Exception {
        Duration limit = switch (stalled) {
            case GREETING -> SHORT.greeting();
            case DATA -> SHORT.dataInitiation();
            case DOT -> SHORT.dataTermination();
            default -> SHORT.command();
        };
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().pipelining(false).stall(stalled).start()) {
            ClientSession session = ClientSession.over(server.connect(), SHORT);
            long start = System.nanoTime();

            assertThatThrownBy(() -> {
                session.readGreeting();
                session.ehlo("client.test");
                session.send(envelope(bytes(MESSAGE)), new ByteArrayInputStream(bytes(MESSAGE)));
            }).isInstanceOfSatisfying(SmtpClientException.class, e -> {
                ClientFailure.TimedOut timedOut = (ClientFailure.TimedOut) e.failure();
                assertThat(timedOut.stage()).isEqualTo(stalled);
                assertThat(timedOut.limit()).isEqualTo(limit);
                assertThat(timedOut.elapsed()).isGreaterThanOrEqualTo(limit);
                assertThat(e.getMessage()).startsWith("SMTP " + stalled + " timed out after ");
            });
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
            assertThat(session.isOpen()).isFalse();
        }
    }

    @Test
    void stall_whilePipelined_timesOutAtMail() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().stall(Stage.MAIL).start();
             ClientSession session = ClientSession.over(server.connect(), SHORT)) {
            session.readGreeting();
            session.ehlo("client.test");
            assertThatThrownBy(() -> session.send(envelope(bytes(MESSAGE)), new ByteArrayInputStream(bytes(MESSAGE))))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.stage()).isEqualTo(Stage.MAIL));
        }
    }

    /** The server stops reading the content: the client's write blocks and the watchdog cuts it off. */
    @Test
    void contentNeverRead_dataBlockTimeout_atContent() throws Exception {
        byte[] big = bytes(("x".repeat(78) + "\r\n").repeat(200_000));   // 16 MB: far beyond both socket buffers
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().size(0).stall(Stage.CONTENT).receiveBufferSize(8192).start()) {
            Socket socket = server.connect();
            socket.setSendBufferSize(8192);
            ClientSession session = ClientSession.over(socket, SHORT);
            session.readGreeting();
            session.ehlo("client.test");

            assertThatThrownBy(() -> session.send(envelope(big), new ByteArrayInputStream(big)))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        ClientFailure.TimedOut timedOut = (ClientFailure.TimedOut) e.failure();
                        assertThat(timedOut.stage()).isEqualTo(Stage.CONTENT);
                        assertThat(timedOut.limit()).isEqualTo(SHORT.dataBlock());
                    });
            assertThat(session.isOpen()).isFalse();
        }
    }

    /** A close while the client is still writing a large message: the write fails at CONTENT. */
    @Test
    void disconnectMidData_largeMessage_connectionLostAtContent() throws Exception {
        byte[] big = bytes(("y".repeat(78) + "\r\n").repeat(200_000));
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().size(0).disconnect(Stage.CONTENT).receiveBufferSize(8192).start()) {
            Socket socket = server.connect();
            socket.setSendBufferSize(8192);
            ClientSession session = ClientSession.over(socket, ClientTimeouts.uniform(Duration.ofSeconds(5)));
            session.readGreeting();
            session.ehlo("client.test");

            assertThatThrownBy(() -> session.send(envelope(big), new ByteArrayInputStream(big)))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(ClientFailure.ConnectionLost.class);
                        assertThat(e.stage()).isEqualTo(Stage.CONTENT);
                    });
            assertThat(session.isOpen()).isFalse();
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.messages()).isEmpty();
        }
    }

    /** A close after a small message was written: the client learns it while waiting for the final reply. */
    @Test
    void disconnectMidData_smallMessage_connectionLostWaitingForTheFinalReply() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().disconnect(Stage.CONTENT).start();
             ClientSession session = ClientSession.over(server.connect(), ClientTimeouts.uniform(Duration.ofSeconds(5)))) {
            session.readGreeting();
            session.ehlo("client.test");

            assertThatThrownBy(() -> session.send(envelope(bytes(MESSAGE)), new ByteArrayInputStream(bytes(MESSAGE))))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(ClientFailure.ConnectionLost.class);
                        assertThat(e.stage()).isIn(Stage.CONTENT, Stage.DOT);
                    });
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void disconnectAtRcpt_connectionLostAtRcpt() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().pipelining(false).disconnect(Stage.RCPT).start();
             ClientSession session = ClientSession.over(server.connect(), SHORT)) {
            session.readGreeting();
            session.ehlo("client.test");
            assertThatThrownBy(() -> session.send(envelope(bytes(MESSAGE)), new ByteArrayInputStream(bytes(MESSAGE))))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(ClientFailure.ConnectionLost.class);
                        assertThat(e.stage()).isEqualTo(Stage.RCPT);
                    });
        }
    }

    @Test
    void reply421ToMail_resultThenSessionClosed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .reply(Stage.MAIL, SmtpReply.of(421, "4.7.0", "Too many errors, closing")).start();
             ClientSession session = ClientSession.over(server.connect(), SHORT)) {
            session.readGreeting();
            session.ehlo("client.test");

            TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(envelope(bytes(MESSAGE)),
                    new ByteArrayInputStream(bytes(MESSAGE)));

            assertThat(result.mail().code()).isEqualTo(421);
            assertThat(result.end()).isNull();
            assertThat(session.isOpen()).isFalse();
            server.awaitNoOpenConnections(WAIT);
        }
    }

    @Test
    void finalReply554_isAFactNotAFailure() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .reply(Stage.DOT, SmtpReply.of(554, "5.7.1", "Message rejected as spam")).start();
             ClientSession session = ClientSession.over(server.connect(), SHORT)) {
            session.readGreeting();
            session.ehlo("client.test");

            TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(envelope(bytes(MESSAGE)),
                    new ByteArrayInputStream(bytes(MESSAGE)));

            assertThat(result.end().oneLine()).isEqualTo("554 5.7.1 Message rejected as spam");
            assertThat(result.contentAccepted()).isFalse();
            assertThat(session.isOpen()).isTrue();
        }
    }

    @Test
    void closedFromAnotherThread_blockedReadEnds() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().stall(Stage.GREETING).start()) {
            ClientSession session = ClientSession.over(server.connect(), ClientTimeouts.uniform(Duration.ofMinutes(5)));
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    session.readGreeting();
                } catch (IOException | IllegalStateException expected) {
                    // Closed under the read, or before it started: either way the thread ends.
                }
            });
            session.close();
            reader.join();
            assertThat(session.isOpen()).isFalse();
            server.awaitNoOpenConnections(WAIT);
        }
    }
}
