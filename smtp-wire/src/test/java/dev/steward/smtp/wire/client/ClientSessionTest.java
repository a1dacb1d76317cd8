package dev.steward.smtp.wire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.smtp.wire.SmtpReply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session against scripted server replies in memory: what the client writes, in which order,
 * and what it reports. Pipelining as seen on a real socket, TLS and real timeouts are in the
 * testkit's ClientSessionIT.
 */
@Timeout(10)
class ClientSessionTest {

    private static final ClientTimeouts TIMEOUTS = ClientTimeouts.uniform(Duration.ofSeconds(2));
    private static final String GREETING = "220 mx.test ESMTP\r\n";
    private static final String EHLO_FULL = "250-mx.test Hello\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n"
            + "250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES\r\n";
    private static final String EHLO_PLAIN = "250-mx.test Hello\r\n250 ENHANCEDSTATUSCODES\r\n";
    private static final String MESSAGE = "Subject: t\r\n\r\nbody\r\n";

    private static OutboundEnvelope envelope(String sender, String... recipients) {
        return new OutboundEnvelope(sender, List.of(recipients), MESSAGE.length(), TransportNeeds.NONE);
    }

    private static InputStream content(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ClientSession ready(MemoryTransport transport) throws SmtpClientException {
        ClientSession session = new ClientSession(transport, TIMEOUTS);
        session.readGreeting();
        session.ehlo("client.test");
        return session;
    }

    @Test
    void send_pipelined_oneBatchThenContent() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL
                + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 No such user\r\n354 End data\r\n250 2.0.0 queued as X\r\n"
                + "221 2.0.0 Bye\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult result = session.send(envelope("a@x.test", "b@y.test", "c@y.test"), content(MESSAGE));

        assertThat(transport.written()).isEqualTo("EHLO client.test\r\n"
                + "MAIL FROM:<a@x.test> SIZE=20\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n"
                + MESSAGE + ".\r\n");
        TransactionResult.Attempted attempted = (TransactionResult.Attempted) result;
        assertThat(attempted.pipelined()).isTrue();
        assertThat(attempted.mail()).isEqualTo(SmtpReply.of(250, "2.1.0", "Ok"));
        assertThat(attempted.recipients()).extracting(r -> r.recipient() + "=" + r.reply().code())
                .containsExactly("b@y.test=250", "c@y.test=550");
        assertThat(attempted.recipients().get(1).reply().enhancedStatus()).isEqualTo("5.1.1");
        assertThat(attempted.acceptedRecipients()).containsExactly("b@y.test");
        assertThat(attempted.data().code()).isEqualTo(354);
        assertThat(attempted.end().oneLine()).isEqualTo("250 2.0.0 queued as X");
        assertThat(attempted.contentAccepted()).isTrue();
        assertThat(session.quit().code()).isEqualTo(221);
        assertThat(session.isOpen()).isFalse();
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void send_lockStep_noDataWhenNoRecipientAccepted_thenRsetBeforeNextMessage() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN
                + "250 2.1.0 Ok\r\n450 4.2.0 Mailbox busy\r\n550 5.1.1 No\r\n"
                + "250 2.0.0 Reset\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 done\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted first = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test", "c@y.test"), content(MESSAGE));
        assertThat(first.pipelined()).isFalse();
        assertThat(first.recipients()).extracting(r -> r.reply().code()).containsExactly(450, 550);
        assertThat(first.data()).isNull();
        assertThat(first.end()).isNull();
        assertThat(transport.written()).endsWith("RCPT TO:<c@y.test>\r\n");

        TransactionResult.Attempted second = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content("x\r\n"));
        assertThat(second.contentAccepted()).isTrue();
        assertThat(transport.written()).isEqualTo("EHLO client.test\r\n"
                + "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\n"
                + "RSET\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nx\r\n.\r\n");
    }

    @Test
    void send_lockStep_mailRefused_noRecipientsSent() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN + "550 5.7.1 Sender refused\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content(MESSAGE));

        assertThat(result.mail().code()).isEqualTo(550);
        assertThat(result.recipients()).isEmpty();
        assertThat(result.data()).isNull();
        assertThat(transport.written()).endsWith("MAIL FROM:<a@x.test>\r\n");
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void send_pipelined_noRecipientAccepted_data554_contentNotSent() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL
                + "250 2.1.0 Ok\r\n550 5.1.1 No\r\n554 5.5.1 No valid recipients\r\n250 2.0.0 Reset\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content(MESSAGE));

        assertThat(result.data().code()).isEqualTo(554);
        assertThat(result.end()).isNull();
        assertThat(transport.written()).endsWith("DATA\r\n");
        assertThat(session.reset().code()).isEqualTo(250);
    }

    @Test
    void send_pipelined_noRecipientAccepted_but354_loneDotOnly() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL
                + "250 2.1.0 Ok\r\n550 5.1.1 No\r\n354 go\r\n554 5.5.1 no recipients\r\n"
                + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 done\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content(MESSAGE));

        assertThat(result.data().code()).isEqualTo(354);
        assertThat(result.end()).isNull();
        assertThat(transport.written()).endsWith("DATA\r\n.\r\n").doesNotContain("Subject");
        // The lone dot ended the transaction: no RSET before the next MAIL.
        session.send(envelope("a@x.test", "b@y.test"), content(MESSAGE));
        assertThat(transport.written()).doesNotContain("RSET");
    }

    @Test
    void send_pipelined_manyRecipients_inWindows() throws IOException {
        int count = MailTransaction.PIPELINE_WINDOW + 20;
        String[] recipients = new String[count];
        StringBuilder replies = new StringBuilder(GREETING + EHLO_FULL + "250 2.1.0 Ok\r\n");
        for (int i = 0; i < count; i++) {
            recipients[i] = "r" + i + "@y.test";
            replies.append("250 2.1.5 Ok\r\n");
        }
        replies.append("354 go\r\n250 2.0.0 done\r\n");
        MemoryTransport transport = new MemoryTransport(replies.toString(), MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", recipients), content(MESSAGE));

        assertThat(result.recipients()).hasSize(count);
        assertThat(result.contentAccepted()).isTrue();
    }

    @Test
    void send_extensions_sizeBodySmtpUtf8() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL
                + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 done\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);
        OutboundEnvelope envelope = new OutboundEnvelope("j\u00f6rg@x.test", List.of("b@y.test"), 5,
                new TransportNeeds(true, true, false));

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(envelope, content("caf\u00e9\r\n"));

        assertThat(transport.written()).contains("MAIL FROM:<j\u00f6rg@x.test> SIZE=5 BODY=8BITMIME SMTPUTF8\r\n");
        assertThat(result.eightBitUnannounced()).isFalse();
    }

    @Test
    void send_eightBitWithout8BitMime_sentAsIs_factReported() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN
                + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 done\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);
        OutboundEnvelope envelope = new OutboundEnvelope("a@x.test", List.of("b@y.test"), -1,
                new TransportNeeds(true, false, false));

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(envelope, content("caf\u00e9\r\n"));

        assertThat(transport.written()).contains("MAIL FROM:<a@x.test>\r\n");
        assertThat(result.eightBitUnannounced()).isTrue();
    }

    @Test
    void send_smtpUtf8NeededNotOffered_notAttempted_nothingSent() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN, MemoryTransport.End.EOF);
        ClientSession session = ready(transport);
        OutboundEnvelope envelope = new OutboundEnvelope("a@x.test", List.of("b@b\u00fccher.test"), -1,
                new TransportNeeds(false, true, false));

        TransactionResult result = session.send(envelope, content(MESSAGE));

        assertThat(result).isEqualTo(new TransactionResult.NotAttempted("SMTPUTF8"));
        assertThat(transport.written()).isEqualTo("EHLO client.test\r\n");
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void ehlo_refused_heloFallback_noExtensions() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + "502 5.5.1 EHLO not supported\r\n250 mx.test\r\n"
                + "250 Ok\r\n250 Ok\r\n354 go\r\n250 Ok\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        assertThat(session.capabilities()).isEqualTo(Capabilities.helo());
        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content(MESSAGE));
        assertThat(result.pipelined()).isFalse();
        assertThat(transport.written()).startsWith("EHLO client.test\r\nHELO client.test\r\nMAIL FROM:<a@x.test>\r\n");
    }

    @Test
    void ehlo_421_rejected_closed() {
        MemoryTransport transport = new MemoryTransport(GREETING + "421 4.3.2 Shutting down\r\n", MemoryTransport.End.EOF);
        assertThatThrownBy(() -> ready(transport))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(ClientFailure.Rejected.class);
                    assertThat(e.stage()).isEqualTo(Stage.EHLO);
                });
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void greeting_421_rejected_withStagePeerAndElapsed() {
        MemoryTransport transport = new MemoryTransport("421 4.3.2 Too busy\r\n", MemoryTransport.End.EOF);
        ClientSession session = new ClientSession(transport, TIMEOUTS);

        assertThatThrownBy(session::readGreeting).isInstanceOfSatisfying(SmtpClientException.class, e -> {
            ClientFailure.Rejected rejected = (ClientFailure.Rejected) e.failure();
            assertThat(rejected.stage()).isEqualTo(Stage.GREETING);
            assertThat(rejected.reply().code()).isEqualTo(421);
            assertThat(e.getMessage()).startsWith("SMTP GREETING rejected: 421 4.3.2 Too busy after ")
                    .endsWith(" s with memory:25");
        });
        assertThat(session.isOpen()).isFalse();
        assertThatThrownBy(() -> session.ehlo("client.test")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void garbageReply_protocolViolation_atItsStage() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN + "250 2.1.0 Ok\r\nHTTP/1.1 400 Bad\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        assertThatThrownBy(() -> session.send(envelope("a@x.test", "b@y.test"), content(MESSAGE)))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(ClientFailure.ProtocolViolation.class);
                    assertThat(e.stage()).isEqualTo(Stage.RCPT);
                    assertThat(e.getMessage()).contains("HTTP/1.1 400 Bad");
                });
        assertThat(session.isOpen()).isFalse();
    }

    @Test
    void connectionClosed_midTransaction_connectionLost() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL + "250 2.1.0 Ok\r\n250-2.1.5 partial\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        assertThatThrownBy(() -> session.send(envelope("a@x.test", "b@y.test"), content(MESSAGE)))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(ClientFailure.ConnectionLost.class);
                    assertThat(e.stage()).isEqualTo(Stage.RCPT);
                });
    }

    @Test
    void silence_afterContent_timedOutAtDot_withLimit() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n",
                MemoryTransport.End.SILENCE);
        ClientSession session = ready(transport);
        long start = System.nanoTime();

        assertThatThrownBy(() -> session.send(envelope("a@x.test", "b@y.test"), content(MESSAGE)))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    ClientFailure.TimedOut timedOut = (ClientFailure.TimedOut) e.failure();
                    assertThat(timedOut.stage()).isEqualTo(Stage.DOT);
                    assertThat(timedOut.limit()).isEqualTo(TIMEOUTS.dataTermination());
                    assertThat(e.getMessage()).startsWith("SMTP DOT timed out after ").contains("(limit 2.0 s)");
                });
        assertThat(transport.written()).endsWith("\r\n.\r\n");
        // The blocked read was ended by the watchdog at the stage's deadline, not before.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUTS.dataTermination().toNanos());
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void writeFailure_midContent_connectionLostAtContent() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);
        transport.failWritesAfter(transport.written().length() + 200 + 100_000);
        byte[] big = ("x".repeat(98) + "\r\n").repeat(3000).getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> session.send(new OutboundEnvelope("a@x.test", List.of("b@y.test"), big.length,
                TransportNeeds.NONE), new ByteArrayInputStream(big)))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(ClientFailure.ConnectionLost.class);
                    assertThat(e.stage()).isEqualTo(Stage.CONTENT);
                    assertThat(e.getMessage()).contains("Broken pipe");
                });
    }

    @Test
    void unreadableContent_closesWithoutEndOfData() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);
        InputStream failing = new InputStream() {
            private int calls;

            @Override
            public int read() {
                return -1;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (calls++ == 0) {
                    bytes[offset] = 'x';
                    return 1;
                }
                throw new IOException("disk read error");
            }
        };

        assertThatThrownBy(() -> session.send(envelope("a@x.test", "b@y.test"), failing))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(ClientFailure.ContentUnreadable.class);
                    assertThat(e.stage()).isEqualTo(Stage.CONTENT);
                });
        assertThat(transport.isClosed()).isTrue();
        assertThat(transport.written()).endsWith("DATA\r\n").doesNotContain(".\r\n");
    }

    @Test
    void reply421_toMail_resultReturned_sessionClosed() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_PLAIN + "421 4.7.0 Try later\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test"), content(MESSAGE));

        assertThat(result.mail().code()).isEqualTo(421);
        assertThat(session.isOpen()).isFalse();
    }

    @Test
    void reply421_toRcpt_whilePipelined_readingStops_factKept() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + EHLO_FULL
                + "250 2.1.0 Ok\r\n421 4.7.0 Too many errors\r\n", MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        TransactionResult.Attempted result = (TransactionResult.Attempted) session.send(
                envelope("a@x.test", "b@y.test", "c@y.test"), content(MESSAGE));

        assertThat(result.recipients()).extracting(r -> r.reply().code()).containsExactly(421);
        assertThat(result.data()).isNull();
        assertThat(session.isOpen()).isFalse();
    }

    @Test
    void authenticate_withoutTls_refusedBeforeSending() throws IOException {
        MemoryTransport transport = new MemoryTransport(GREETING + "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n",
                MemoryTransport.End.EOF);
        ClientSession session = ready(transport);

        assertThatThrownBy(() -> session.authenticate(AuthMechanism.PLAIN, "user", "secret"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not under TLS");
        assertThat(transport.written()).isEqualTo("EHLO client.test\r\n");
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void callsOutOfOrder_illegalState() {
        ClientSession session = new ClientSession(new MemoryTransport(GREETING, MemoryTransport.End.EOF), TIMEOUTS);
        assertThatThrownBy(() -> session.ehlo("client.test")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> session.send(envelope("a@x.test", "b@y.test"), content(MESSAGE)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> session.startTls("mx.test", TlsSettings.opportunistic()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void injectionAttempts_refused() throws IOException {
        ClientSession session = ready(new MemoryTransport(GREETING + EHLO_PLAIN, MemoryTransport.End.EOF));
        assertThatThrownBy(() -> session.ehlo("client.test\r\nMAIL FROM:<x>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> session.ehlo("client test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope("a@x.test>\r\nRCPT TO:<evil@x.test", "b@y.test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope("a@x.test", "b@y.test> NOTIFY=NEVER")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope("a@x.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope("a@x.test", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
