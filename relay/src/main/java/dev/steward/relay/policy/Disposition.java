package dev.steward.relay.policy;

import dev.steward.mail.model.Dsn;
import dev.steward.relay.delivery.AttemptResult;
import dev.steward.relay.delivery.FailureKind;
import dev.steward.relay.delivery.RemoteHost;
import java.util.Objects;

/**
 * What to do about a failure: try again later ({@link Verdict#TEMP}) or give up
 * ({@link Verdict#PERM}), with the recipient's {@link Dsn}, where it failed and how far it reaches.
 * Only {@link FailureClassifier} makes these.
 *
 * <p>Thread safety: immutable.
 *
 * @param verdict TEMP with a {@code delayed} class-4 DSN, or PERM with a {@code failed} class-5 DSN
 * @param dsn     the status to log, store and report
 * @param kind    where it failed, for logs and metrics
 * @param scope   what else the failure concerns besides this recipient
 */
public record Disposition(Verdict verdict, Dsn dsn, FailureKind kind, Scope scope) {

    /** Try again later, or give up. */
    public enum Verdict {
        TEMP,
        PERM
    }

    /** How far a failure reaches (Postfix {@code smtp_rcpt_fail}, {@code smtp_mesg_fail}, {@code smtp_site_fail}). */
    public enum Scope {
        /** Only this recipient (a reply to its RCPT TO). */
        RECIPIENT,
        /** Every recipient of this message in this transaction (MAIL FROM, DATA, end of data, size). */
        MESSAGE,
        /** Every message for this destination: the domain or host itself failed (DNS, connect, greeting, TLS, 421). */
        DESTINATION
    }

    public Disposition {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(dsn, "dsn");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scope, "scope");
        boolean fits = verdict == Verdict.TEMP
                ? dsn.action() == Dsn.Action.DELAYED && dsn.status().isTransient()
                : dsn.action() == Dsn.Action.FAILED && dsn.status().isPermanent();
        if (!fits) {
            throw new IllegalArgumentException(verdict + " does not fit " + dsn.action().keyword() + " " + dsn.status());
        }
    }

    /**
     * True when the queue manager should hold back every message for this destination for a while,
     * not only this one (Postfix throttles the queue after a site failure): a temporary failure of
     * the destination as a whole.
     */
    public boolean deferDestination() {
        return verdict == Verdict.TEMP && scope == Scope.DESTINATION;
    }

    /** The per-recipient result the delivery agent returns; {@code host} may be null (DNS failures). */
    public AttemptResult toResult(RemoteHost host) {
        return verdict == Verdict.TEMP
                ? new AttemptResult.TempFailed(dsn, host, kind, deferDestination())
                : new AttemptResult.PermFailed(dsn, host, kind);
    }
}
