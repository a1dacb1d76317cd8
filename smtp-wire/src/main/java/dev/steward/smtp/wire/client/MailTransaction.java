package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.DotStuffingOutputStream;
import dev.steward.smtp.wire.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction (RFC 5321 §3.3) for {@link ClientSession#send}: MAIL FROM, one RCPT TO per
 * recipient, DATA, the dot-stuffed content and the end of data.
 *
 * <p>With PIPELINING (RFC 2920 §3.1) MAIL, the RCPTs and DATA go in one write and the replies are
 * read in order; with more than {@link #PIPELINE_WINDOW} recipients in windows of that many
 * commands, so neither side's socket buffer can fill up with unread data (RFC 2920 §3.5).
 * Without PIPELINING each command waits for its reply; DATA is sent only after a recipient was
 * accepted. Either way the content is sent only if MAIL and at least one RCPT were accepted and
 * DATA got 354; if the server said 354 with no recipient accepted (possible when pipelining), a
 * lone "." ends the empty transaction and its reply is read and dropped. A 421 ends the reading:
 * the result holds the replies up to it.
 */
final class MailTransaction {

    /** Commands per pipelined write; the relay's recipient limit (100) fits in one. */
    static final int PIPELINE_WINDOW = 100;

    /**
     * RFC 5321 §3.8: 421 means the server is closing the connection. The replies to the commands
     * still in flight will never come, so reading stops there and the 421 is the fact reported.
     */
    private static final int CLOSING = 421;

    private final ClientWire wire;
    private final ClientTimeouts timeouts;
    private final Capabilities capabilities;
    private final OutboundEnvelope envelope;

    MailTransaction(ClientWire wire, ClientTimeouts timeouts, Capabilities capabilities, OutboundEnvelope envelope) {
        this.wire = wire;
        this.timeouts = timeouts;
        this.capabilities = capabilities;
        this.envelope = envelope;
    }

    TransactionResult run(InputStream content) throws SmtpClientException {
        TransportNeeds needs = envelope.needs();
        if (needs.smtpUtf8() && !capabilities.smtpUtf8()) {
            return new TransactionResult.NotAttempted("SMTPUTF8");
        }
        boolean pipelined = capabilities.pipelining();
        List<TransactionResult.RecipientReply> recipients = new ArrayList<>(envelope.recipients().size());
        SmtpReply mail;
        SmtpReply data;
        if (pipelined) {
            Replies replies = pipelinedCommands(recipients);
            mail = replies.mail;
            data = replies.data;
        } else {
            mail = command(Stage.MAIL, mailCommand());
            data = null;
            if (mail.isPositiveCompletion()) {
                boolean closing = false;
                for (String recipient : envelope.recipients()) {
                    SmtpReply reply = command(Stage.RCPT, rcptCommand(recipient));
                    recipients.add(new TransactionResult.RecipientReply(recipient, reply));
                    if (reply.code() == CLOSING) {
                        closing = true;
                        break;
                    }
                }
                if (!closing && anyAccepted(recipients)) {
                    data = commandWithLimit(Stage.DATA, "DATA", timeouts.dataInitiation());
                }
            }
        }
        SmtpReply end = null;
        if (data != null && data.isPositiveIntermediate()) {
            if (mail.isPositiveCompletion() && anyAccepted(recipients)) {
                end = sendContent(content);
            } else {
                endEmptyTransaction();
            }
        }
        boolean eightBitUnannounced = needs.eightBit() && !capabilities.eightBitMime();
        return new TransactionResult.Attempted(mail, recipients, data, end, pipelined, eightBitUnannounced);
    }

    private record Replies(SmtpReply mail, SmtpReply data) {
    }

    private Replies pipelinedCommands(List<TransactionResult.RecipientReply> recipients) throws SmtpClientException {
        List<String> addresses = envelope.recipients();
        SmtpReply mail = null;
        int next = 0;   // index of the next recipient to send
        while (true) {
            wire.begin();
            int commands = 0;
            if (mail == null) {
                wire.writeLine(mailCommand());
                commands++;
            }
            int first = next;
            while (next < addresses.size() && commands < PIPELINE_WINDOW) {
                wire.writeLine(rcptCommand(addresses.get(next++)));
                commands++;
            }
            boolean withData = next == addresses.size();
            if (withData) {
                wire.writeLine("DATA");
            }
            wire.flush(mail == null ? Stage.MAIL : Stage.RCPT, timeouts.command());
            if (mail == null) {
                mail = wire.read(Stage.MAIL, timeouts.command());
                if (mail.code() == CLOSING) {
                    return new Replies(mail, null);
                }
            }
            for (int i = first; i < next; i++) {
                SmtpReply reply = wire.read(Stage.RCPT, timeouts.command());
                recipients.add(new TransactionResult.RecipientReply(addresses.get(i), reply));
                if (reply.code() == CLOSING) {
                    return new Replies(mail, null);
                }
            }
            if (withData) {
                return new Replies(mail, wire.read(Stage.DATA, timeouts.dataInitiation()));
            }
            if (!mail.isPositiveCompletion()) {
                // No transaction: the remaining recipients would only collect 503s.
                return new Replies(mail, null);
            }
        }
    }

    private SmtpReply command(Stage stage, String line) throws SmtpClientException {
        return commandWithLimit(stage, line, timeouts.command());
    }

    private SmtpReply commandWithLimit(Stage stage, String line, Duration limit) throws SmtpClientException {
        wire.begin();
        wire.writeLine(line);
        wire.flush(stage, timeouts.command());
        return wire.read(stage, limit);
    }

    private String mailCommand() {
        StringBuilder line = new StringBuilder(64).append("MAIL FROM:<").append(envelope.sender()).append('>');
        if (capabilities.size() && envelope.size() >= 0) {
            line.append(" SIZE=").append(envelope.size());   // RFC 1870 §6
        }
        if (envelope.needs().eightBit() && capabilities.eightBitMime()) {
            line.append(" BODY=8BITMIME");                   // RFC 6152 §3
        }
        if (envelope.needs().smtpUtf8()) {
            line.append(" SMTPUTF8");                        // RFC 6531 §3.4; offered, checked in run()
        }
        return line.toString();
    }

    private static String rcptCommand(String recipient) {
        return "RCPT TO:<" + recipient + ">";
    }

    private static boolean anyAccepted(List<TransactionResult.RecipientReply> recipients) {
        for (TransactionResult.RecipientReply recipient : recipients) {
            if (recipient.reply().isPositiveCompletion()) {
                return true;
            }
        }
        return false;
    }

    private SmtpReply sendContent(InputStream content) throws SmtpClientException {
        wire.begin();
        DotStuffingOutputStream body = new DotStuffingOutputStream(wire.contentOutput(timeouts.dataBlock()));
        byte[] chunk = ClientWire.takeContentChunk();
        try {
            while (true) {
                int count;
                try {
                    count = content.read(chunk);
                } catch (IOException e) {
                    // Closing without the end-of-data line makes the server drop the partial message.
                    throw wire.abort(new ClientFailure.ContentUnreadable(Stage.CONTENT, wire.elapsed(),
                            String.valueOf(e.getMessage())), e);
                }
                if (count < 0) {
                    break;
                }
                body.write(chunk, 0, count);
            }
            body.finish();
        } catch (SmtpClientException e) {
            throw e;
        } catch (IOException e) {
            throw wire.failure(Stage.CONTENT, e, timeouts.dataBlock());
        } finally {
            ClientWire.giveContentChunk(chunk);
        }
        wire.flush(Stage.CONTENT, timeouts.dataBlock());
        wire.begin();
        return wire.read(Stage.DOT, timeouts.dataTermination());
    }

    private void endEmptyTransaction() throws SmtpClientException {
        wire.begin();
        wire.writeLine(".");
        wire.flush(Stage.DOT, timeouts.command());
        wire.read(Stage.DOT, timeouts.dataTermination());
    }
}
