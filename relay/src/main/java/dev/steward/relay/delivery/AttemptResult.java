package dev.steward.relay.delivery;

import dev.steward.mail.model.Dsn;
import dev.steward.smtp.wire.SmtpReply;
import java.util.Objects;

/**
 * The outcome of one delivery attempt for one recipient, as the delivery agent reports it to the
 * queue manager (STYLE B5.2). A closed set: switch over it and the compiler finds missing cases.
 *
 * <p>Failures come from {@code relay.policy.FailureClassifier}, the one place that decides between
 * temporary and permanent; the agent only wraps the decision with the host it talked to.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface AttemptResult permits AttemptResult.Delivered, AttemptResult.TempFailed, AttemptResult.PermFailed {

    /** The recipient's delivery status. */
    Dsn dsn();

    /** The server the attempt talked to, or {@code null} when it got no further than DNS. */
    RemoteHost remoteHost();

    /**
     * The remote server accepted the message for this recipient.
     *
     * @param dsn        action {@code delivered} or {@code relayed}, class 2
     * @param remoteHost the server that accepted it; never null
     */
    record Delivered(Dsn dsn, RemoteHost remoteHost) implements AttemptResult {
        public Delivered {
            Objects.requireNonNull(dsn, "dsn");
            Objects.requireNonNull(remoteHost, "remoteHost");
            if (dsn.action() != Dsn.Action.DELIVERED && dsn.action() != Dsn.Action.RELAYED) {
                throw new IllegalArgumentException("Delivered needs action delivered or relayed, not " + dsn.action().keyword());
            }
        }
    }

    /**
     * Not delivered this time; try again later.
     *
     * @param dsn             action {@code delayed}, class 4
     * @param remoteHost      the server, or null
     * @param kind            where it failed
     * @param deferDestination true when the failure concerns the whole destination (no MX answers,
     *                        a 421, a DNS failure), so the queue manager should hold back every
     *                        message for it, not only this one (Postfix queue throttling)
     */
    record TempFailed(Dsn dsn, RemoteHost remoteHost, FailureKind kind, boolean deferDestination) implements AttemptResult {
        public TempFailed {
            Objects.requireNonNull(dsn, "dsn");
            Objects.requireNonNull(kind, "kind");
            if (dsn.action() != Dsn.Action.DELAYED) {
                throw new IllegalArgumentException("TempFailed needs action delayed, not " + dsn.action().keyword());
            }
        }
    }

    /**
     * Never deliverable as addressed; bounce this recipient.
     *
     * @param dsn        action {@code failed}, class 5
     * @param remoteHost the server, or null
     * @param kind       where it failed
     */
    record PermFailed(Dsn dsn, RemoteHost remoteHost, FailureKind kind) implements AttemptResult {
        public PermFailed {
            Objects.requireNonNull(dsn, "dsn");
            Objects.requireNonNull(kind, "kind");
            if (dsn.action() != Dsn.Action.FAILED || !dsn.status().isPermanent()) {
                throw new IllegalArgumentException("PermFailed needs action failed with a class 5 status, not "
                        + dsn.action().keyword() + " " + dsn.status());
            }
        }
    }

    /**
     * The success result for a 2xx reply to the end of data (or to RCPT, for a recipient whose
     * message was then accepted): status from the reply's enhanced code or {@code 2.0.0}, the whole
     * reply as diagnostic and reason.
     *
     * @param relayed true for delivery to a smarthost, which hands the message on ({@code relayed})
     */
    static Delivered delivered(SmtpReply reply, RemoteHost remoteHost, boolean relayed) {
        if (reply.code() / 100 != 2) {
            throw new IllegalArgumentException("not a success reply: " + ReplyText.of(reply));
        }
        String text = ReplyText.of(reply);
        Dsn dsn = new Dsn(ReplyText.status(reply), relayed ? Dsn.Action.RELAYED : Dsn.Action.DELIVERED, text,
                Dsn.Diagnostic.smtp(text), remoteHost.name());
        return new Delivered(dsn, remoteHost);
    }
}
