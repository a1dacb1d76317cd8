package dev.steward.control.web.notify;

import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.smtp.wire.client.OutboundEnvelope;
import dev.steward.smtp.wire.client.TransactionResult;
import dev.steward.smtp.wire.client.TransportNeeds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Submits the control plane's notices over SMTP (RFC 5321) to a relay, one connection per
 * message, through smtp-wire's {@link ClientSession}: greeting, EHLO, then one transaction (with
 * PIPELINING and 8BITMIME when offered, dot-stuffing and CRLF repair of the content), QUIT. No TLS
 * and no AUTH: it submits to a relay on loopback or a trusted network (the Steward relay on the
 * same host accepts exactly that). Every wait is bounded by the timeouts.
 *
 * <p>A message is accepted when the relay answered 2yz after the content; any other reply, or an
 * I/O error or timeout on the way, is a {@link SubmissionException} naming the step and the reply.
 * A recipient refused at {@code RCPT} fails the submission (notices must reach every contact or be
 * reported).
 *
 * <p>Thread safety: immutable; each {@link #submit} uses its own connection.
 *
 * @param host the relay's address
 * @param port the relay's port
 * @param helo the name sent in EHLO
 * @param connectTimeout bound on connecting
 * @param replyTimeout bound on each reply
 */
public record SmtpSubmission(String host, int port, String helo, Duration connectTimeout, Duration replyTimeout) {

    /** A refused or failed submission. */
    public static final class SubmissionException extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param message the step and the server's reply or the I/O failure */
        public SubmissionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public SmtpSubmission {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(helo, "helo");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
    }

    /** With 5 s to connect and 30 s per reply. */
    public static SmtpSubmission to(String host, int port, String helo) {
        return new SmtpSubmission(host, port, helo, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /**
     * Submits one message.
     *
     * @param sender the envelope sender
     * @param recipients at least one envelope recipient
     * @param message the message (header and body); bare LF line ends are sent as CRLF
     * @return the relay's reply after the content, e.g. {@code 250 2.0.0 queued as ...}
     * @throws SubmissionException if the relay refused a step or the connection failed
     */
    public String submit(String sender, List<String> recipients, String message) throws SubmissionException {
        byte[] content = message.getBytes(StandardCharsets.UTF_8);
        String where = "SMTP submission to " + host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        } catch (IOException failure) {
            closeQuietly(socket);
            throw new SubmissionException(where + " failed at connect: " + failure, failure);
        }
        try (ClientSession session = ClientSession.over(socket, ClientTimeouts.uniform(replyTimeout))) {
            session.readGreeting();
            session.ehlo(helo);
            OutboundEnvelope envelope = new OutboundEnvelope(sender, recipients, content.length,
                    TransportNeeds.scan(sender, recipients, new ByteArrayInputStream(content)));
            TransactionResult result = session.send(envelope, new ByteArrayInputStream(content));
            String accepted = accepted(where, result);
            try {
                session.quit();
            } catch (IOException ignored) {
                // The message is accepted; a relay that drops the connection at QUIT changes nothing.
            }
            return accepted;
        } catch (SubmissionException refused) {
            throw refused;
        } catch (IOException failure) {
            throw new SubmissionException(where + " failed: " + failure.getMessage(), failure);
        }
    }

    /** The reply after the content, or why the transaction did not deliver to every recipient. */
    private static String accepted(String where, TransactionResult result) throws SubmissionException {
        if (result instanceof TransactionResult.NotAttempted missing) {
            throw new SubmissionException(where + ": the relay does not offer " + missing.missingExtension(), null);
        }
        TransactionResult.Attempted attempt = (TransactionResult.Attempted) result;
        refuseUnless(where, "MAIL FROM", attempt.mail());
        for (TransactionResult.RecipientReply recipient : attempt.recipients()) {
            refuseUnless(where, "RCPT TO <" + recipient.recipient() + ">", recipient.reply());
        }
        if (attempt.data() != null && !attempt.data().isPositiveIntermediate()) {
            throw new SubmissionException(where + " refused at DATA: " + attempt.data().oneLine(), null);
        }
        refuseUnless(where, "message content", attempt.end());
        return attempt.end().oneLine();
    }

    private static void refuseUnless(String where, String step, SmtpReply reply) throws SubmissionException {
        if (reply == null) {
            throw new SubmissionException(where + " ended before " + step, null);
        }
        if (!reply.isPositiveCompletion()) {
            throw new SubmissionException(where + " refused at " + step + ": " + reply.oneLine(), null);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was sent
        }
    }
}
