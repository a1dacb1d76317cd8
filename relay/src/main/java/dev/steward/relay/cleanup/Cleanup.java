package dev.steward.relay.cleanup;

import dev.steward.common.text.LogLine;
import dev.steward.mail.model.EmailAddress;
import dev.steward.mail.model.header.AddressListParser;
import dev.steward.mail.model.header.AddressParseException;
import dev.steward.mail.model.header.HeaderField;
import dev.steward.mail.model.header.HeaderSection;
import dev.steward.relay.intake.MessageSink;
import dev.steward.relay.intake.ReceivedMessage;
import dev.steward.relay.intake.SpoolBuffer;
import dev.steward.relay.intake.StorageReplies;
import dev.steward.relay.policy.SenderPolicy;
import dev.steward.relay.queue.MessageContent;
import dev.steward.relay.queue.NewMessage;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.queue.QueueWriteException;
import dev.steward.smtp.wire.SmtpReply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postfix's cleanup for the intake: checks the header From against the sender policy, adds the
 * headers a message must have, and commits the message to the queue before 250 is answered.
 *
 * <p>Header hygiene: a {@code Received:} header is prepended; {@code Message-ID:} and
 * {@code Date:} are added when missing (RFC 5322 §3.6 requires a Date, and receivers penalise a
 * missing Message-ID). Nothing else in the message is ever rewritten: the bytes the application
 * sent follow our added headers unchanged (DKIM signatures over them stay valid).
 *
 * <p>DKIM: when signing is on, the final bytes (our stamps, then the application's bytes) are
 * signed once, before the commit, and the {@code DKIM-Signature:} field(s) prepended; the queued
 * bytes are what is sent, never re-serialised. A signing failure answers 451 4.3.0.
 *
 * <p>Thread safety: thread-safe (stateless apart from immutable collaborators and the signing keys,
 * which {@link #replaceSigning} swaps atomically: a message is signed wholly with the old keys or
 * wholly with the new).
 */
public final class Cleanup implements MessageSink {

    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

    private final SenderPolicy senderPolicy;
    private final QueueStore queue;
    private final HeaderStamps stamps;
    private volatile MessageSigning signing; // null: DKIM signing off; replaced by a DKIM reload

    public Cleanup(SenderPolicy senderPolicy, QueueStore queue, HeaderStamps stamps) {
        this(senderPolicy, queue, stamps, null);
    }

    /** {@code signing}: the DKIM keys every message is signed with, or null (signing off). */
    public Cleanup(SenderPolicy senderPolicy, QueueStore queue, HeaderStamps stamps, MessageSigning signing) {
        this.senderPolicy = senderPolicy;
        this.queue = queue;
        this.stamps = stamps;
        this.signing = signing;
    }

    /** From the next message on, signs with {@code next} (a key rotation's switch). */
    public void replaceSigning(MessageSigning next) {
        this.signing = java.util.Objects.requireNonNull(next, "next");
    }

    @Override
    public SmtpReply accept(ReceivedMessage message) {
        Prepared prepared = prepare(message, signing);
        return prepared.refusal() != null ? prepared.refusal() : commit(message, prepared);
    }

    /**
     * Without waiting for the disk: checks and stamps on the calling thread, then
     * {@link QueueStore#commitAsync}. Signing (CPU work that may take its time) and a message too
     * large for the journal (its commit waits for fsyncs) go to {@code blocking}.
     */
    @Override
    public void acceptAsync(ReceivedMessage message, java.util.function.Consumer<SmtpReply> reply,
            java.util.concurrent.Executor blocking) {
        if (signing != null) {
            blocking.execute(() -> reply.accept(accept(message)));
            return;
        }
        Prepared prepared = prepare(message, null);
        if (prepared.refusal() != null) {
            reply.accept(prepared.refusal());
        } else if (!queue.commitAsync(prepared.id(), prepared.envelope(), prepared.stored(),
                failure -> reply.accept(failure == null ? queued(message, prepared) : writeFailed(failure)))) {
            blocking.execute(() -> reply.accept(commit(message, prepared)));
        }
    }

    private SmtpReply commit(ReceivedMessage message, Prepared prepared) {
        try {
            queue.commit(prepared.id(), prepared.envelope(), prepared.stored());
        } catch (QueueWriteException failure) {
            return writeFailed(failure);
        }
        return queued(message, prepared);
    }

    /** A message checked and stamped (and signed), ready for the queue; or the refusal instead. */
    private record Prepared(SmtpReply refusal, QueueId id, NewMessage envelope, MessageContent stored, String messageId,
                            List<MessageSigning.Signature> signatures) {
        static Prepared refused(SmtpReply refusal) {
            return new Prepared(refusal, null, null, null, null, List.of());
        }
    }

    private Prepared prepare(ReceivedMessage message, MessageSigning keys) {
        SpoolBuffer content = message.content();
        HeaderSection headers = HeaderSection.parse(content.memory(), content.memoryLength());
        if (!content.inMemory() && headers.bodyOffset() >= content.memoryLength()) {
            return Prepared.refused(SmtpReply.of(552, "5.3.4", "Message header section exceeds "
                    + content.memoryLength() / 1024 + " KiB"));
        }
        if (headers.malformed()) {
            return Prepared.refused(SmtpReply.of(550, "5.6.0", "Malformed message header: " + headers.malformedReason()));
        }
        SmtpReply fromProblem = checkFrom(headers.all("From"));
        if (fromProblem != null) {
            return Prepared.refused(fromProblem);
        }

        QueueId id = queue.newId();
        String messageId = headers.has("Message-ID") ? headers.all("Message-ID").get(0).value().strip() : null;
        StringBuilder prefix = new StringBuilder(256);
        prefix.append(stamps.received(message, id));
        if (messageId == null) {
            messageId = stamps.messageId(id);
            prefix.append("Message-ID: ").append(messageId).append("\r\n");
        }
        if (!headers.has("Date")) {
            prefix.append("Date: ").append(stamps.date(message.receivedAt())).append("\r\n");
        }
        byte[] stampBytes = prefix.toString().getBytes(StandardCharsets.UTF_8);
        List<MessageSigning.Signature> signatures = List.of();
        if (keys != null) { // one set of keys for the whole message
            try {
                signatures = sign(keys, message, content, headers.bodyOffset(), stampBytes);
            } catch (IOException | RuntimeException failure) {
                log.error(LogLine.of("dkim_sign_failed").field("queue_id", id.value()).address("from", message.sender())
                        .field("error", String.valueOf(failure.getMessage())).toString());
                // Never queue unsigned mail when signing is on; the client keeps it and retries.
                return Prepared.refused(SmtpReply.of(451, "4.3.0", "Temporary failure signing the message; try again later"));
            }
        }
        byte[] prefixBytes = stampBytes;
        if (!signatures.isEmpty()) {
            StringBuilder fields = new StringBuilder();
            signatures.forEach(signature -> fields.append(signature.field()));
            byte[] fieldBytes = fields.toString().getBytes(StandardCharsets.US_ASCII);
            prefixBytes = new byte[fieldBytes.length + stampBytes.length];
            System.arraycopy(fieldBytes, 0, prefixBytes, 0, fieldBytes.length);
            System.arraycopy(stampBytes, 0, prefixBytes, fieldBytes.length, stampBytes.length);
        }
        byte[] finalPrefix = prefixBytes;

        MessageContent stored = new MessageContent() {
            @Override
            public long size() {
                return finalPrefix.length + content.size();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(finalPrefix);
                content.writeTo(out, 0);
            }
        };
        NewMessage envelope = new NewMessage(message.sender(), message.recipients(), message.receivedAt(),
                message.session().client().getAddress().getHostAddress(), message.session().helo(), message.smtputf8(),
                message.eightBitMime() ? "8BITMIME" : "7BIT", messageId);
        return new Prepared(null, id, envelope, stored, messageId, signatures);
    }

    private static SmtpReply writeFailed(QueueWriteException failure) {
        log.warn(LogLine.of("queue_write_failed").field("disk_full", failure.diskFull())
                .field("error", String.valueOf(failure.getMessage())).toString());
        // Never 250 without the message on disk; never the path or errno in the reply.
        return StorageReplies.failure(failure.diskFull());
    }

    /** The message is durable: its log lines and its 250. */
    private static SmtpReply queued(ReceivedMessage message, Prepared prepared) {
        QueueId id = prepared.id();
        for (MessageSigning.Signature signature : prepared.signatures()) {
            log.info(LogLine.of("dkim_signed").field("queue_id", id.value()).field("d", signature.domain())
                    .field("s", signature.selector()).field("a", signature.algorithm()).toString());
        }
        log.info(LogLine.of("queued").field("queue_id", id.value()).address("from", message.sender())
                .field("size", prepared.stored().size()).field("nrcpt", message.recipients().size())
                .field("message_id", prepared.messageId()).field("client", "[" + prepared.envelope().client() + "]").toString());
        return SmtpReply.of(250, "2.0.0", "Ok: queued as " + id.value());
    }

    /**
     * The DKIM signatures over the final message: our stamps, then the client's bytes unchanged.
     * The header section is in memory (checked above); a body that spilled to disk is streamed.
     */
    private static List<MessageSigning.Signature> sign(MessageSigning signing, ReceivedMessage message,
            SpoolBuffer content, int bodyOffset, byte[] stampBytes) throws IOException {
        if (content.inMemory()) {
            byte[] whole = new byte[stampBytes.length + content.memoryLength()];
            System.arraycopy(stampBytes, 0, whole, 0, stampBytes.length);
            System.arraycopy(content.memory(), 0, whole, stampBytes.length, content.memoryLength());
            return signing.sign(message.sender(), whole, null);
        }
        byte[] header = new byte[stampBytes.length + bodyOffset];
        System.arraycopy(stampBytes, 0, header, 0, stampBytes.length);
        System.arraycopy(content.memory(), 0, header, stampBytes.length, bodyOffset);
        return signing.sign(message.sender(), header, out -> content.writeTo(out, bodyOffset));
    }

    /** MAIL-2 for the header: exactly one From, every mailbox in it inside the app domains. */
    private SmtpReply checkFrom(List<HeaderField> fromFields) {
        if (fromFields.isEmpty()) {
            return SmtpReply.of(550, "5.6.0", "Message has no From header; add one with an address in "
                    + senderPolicy.allowedDomainsText() + " (RFC 5322 section 3.6)");
        }
        if (fromFields.size() > 1) {
            return SmtpReply.of(550, "5.6.0", "Message has more than one From header (RFC 5322 section 3.6)");
        }
        List<EmailAddress> mailboxes;
        try {
            mailboxes = AddressListParser.mailboxes(fromFields.get(0).value());
        } catch (AddressParseException | IllegalArgumentException unparsable) {
            return SmtpReply.of(550, "5.6.0", "From header cannot be parsed: " + unparsable.getMessage());
        }
        if (mailboxes.isEmpty()) {
            return SmtpReply.of(550, "5.6.0", "From header has no address; use an address in " + senderPolicy.allowedDomainsText());
        }
        for (EmailAddress mailbox : mailboxes) {
            if (!senderPolicy.allows(mailbox)) {
                return SmtpReply.of(550, "5.7.1", "From header address <" + mailbox + "> rejected: this server only sends mail from "
                        + senderPolicy.allowedDomainsText());
            }
        }
        return null;
    }
}
