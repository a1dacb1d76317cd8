package dev.steward.relay.app;

import dev.steward.common.text.LogLine;
import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.EmailAddress;
import dev.steward.relay.bounce.BounceComposer;
import dev.steward.relay.bounce.BounceOutcome;
import dev.steward.relay.bounce.RecipientReport;
import dev.steward.relay.bounce.ReturnedMessage;
import dev.steward.relay.queue.MessageContent;
import dev.steward.relay.queue.NewMessage;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueManager;
import dev.steward.relay.queue.QueueStore;
import dev.steward.smtp.wire.client.TransportNeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounce program's glue (Postfix {@code bounce}): composes a notice with
 * {@link BounceComposer} and queues it like any message, from the null sender, to the original
 * sender, signed {@code MAILER-DAEMON@<app host>} where the app host is the {@code app_domains}
 * entry the sender belongs to.
 *
 * <p>Thread safety: thread-safe.
 */
final class Notices implements QueueManager.Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);
    /** Only the header section of the original is quoted; no need to read more of a large message. */
    private static final int HEAD_LIMIT = 256 * 1024;

    private final QueueStore store;
    private final String hostname;
    private final List<DomainName> appDomains;
    private final Clock clock;

    Notices(QueueStore store, String hostname, List<DomainName> appDomains, Clock clock) {
        this.store = store;
        this.hostname = hostname;
        this.appDomains = List.copyOf(appDomains);
        this.clock = clock;
    }

    @Override
    public void send(QueueManager.Notice notice) throws IOException {
        byte[] head;
        try (InputStream in = notice.content().open()) {
            head = in.readNBytes(HEAD_LIMIT);
        }
        List<RecipientReport> reports = new ArrayList<>();
        for (Map.Entry<String, dev.steward.mail.model.Dsn> recipient : notice.recipients().entrySet()) {
            reports.add(new RecipientReport(recipient.getKey(), null, recipient.getValue(), clock.instant()));
        }
        ReturnedMessage returned = new ReturnedMessage(notice.original().id().value(), notice.original().sender(),
                notice.original().arrival(), head, reports);
        BounceComposer composer = new BounceComposer(hostname, domainOf(notice.original().sender()), clock);
        BounceOutcome outcome = notice.kind() == QueueManager.NoticeKind.BOUNCE ? composer.bounce(returned)
                : composer.delayWarning(returned, notice.retryUntil());
        String kind = notice.kind() == QueueManager.NoticeKind.BOUNCE ? "bounce" : "delay";
        switch (outcome) {
            case BounceOutcome.Drop drop -> LOG.info(LogLine.of("notice_dropped").field("queue_id", notice.original().id().value())
                    .field("kind", kind).field("reason", drop.reason()).toString());
            case BounceOutcome.Send send -> {
                NewMessage envelope = new NewMessage(send.envelopeSender(), List.of(send.recipient()), clock.instant(),
                        "MAILER-DAEMON[internal]", hostname, !TransportNeeds.isAscii(send.recipient()), "7BIT",
                        send.messageId());
                QueueId id;
                try {
                    id = store.commit(envelope, bytes(send.message()));
                } catch (dev.steward.relay.queue.QueueWriteException e) {
                    throw new IOException("cannot queue the " + kind + " notice: " + e.getMessage(), e);
                }
                LOG.info(LogLine.of("notice_queued").field("queue_id", id.value()).field("kind", kind)
                        .field("original", notice.original().id().value()).address("to", send.recipient()).toString());
            }
        }
    }

    /** The app domain the sender belongs to (the notice comes from MAILER-DAEMON there). */
    private DomainName domainOf(String sender) {
        try {
            DomainName domain = EmailAddress.parse(sender).domain();
            for (DomainName app : appDomains) {
                if (domain.isSameOrSubdomainOf(app)) {
                    return app;
                }
            }
        } catch (IllegalArgumentException notAnAddress) {
            // Fall back to the first app domain.
        }
        return appDomains.isEmpty() ? DomainName.parse(hostname) : appDomains.get(0);
    }

    private static MessageContent bytes(byte[] message) {
        return new MessageContent() {
            @Override
            public long size() {
                return message.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(message);
            }
        };
    }
}
