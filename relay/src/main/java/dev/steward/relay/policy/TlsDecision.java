package dev.steward.relay.policy;

import dev.steward.relay.delivery.TlsSummary;
import java.util.Objects;

/**
 * What the delivery agent does next about TLS; see {@link TlsPolicy}.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface TlsDecision {

    /** Send STARTTLS. */
    record StartTls() implements TlsDecision {
    }

    /** Go on in plaintext on this connection; log {@code tls} as the summary says ({@code none} or {@code fallback}). */
    record Plaintext(TlsSummary.Plaintext summary) implements TlsDecision {
        public Plaintext {
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** Go on over TLS: EHLO again (RFC 3207 §4.2), then the transaction. */
    record Encrypted(TlsSummary.Encrypted summary) implements TlsDecision {
        public Encrypted {
            Objects.requireNonNull(summary, "summary");
        }
    }

    /**
     * Close this connection and connect to the same host again, in the same attempt, without
     * STARTTLS (maddy; Postfix {@code RETRY_AS_PLAINTEXT}); the log says {@code tls=fallback}.
     */
    record ReconnectWithoutTls() implements TlsDecision {
    }

    /** Stop talking to this host: classify the fact with {@link FailureClassifier} (always temporary). */
    record Defer(FailureFact fact) implements TlsDecision {
        public Defer {
            Objects.requireNonNull(fact, "fact");
        }
    }
}
