package dev.steward.relay.policy;

import dev.steward.smtp.wire.SmtpReply;
import java.util.Objects;

/**
 * What happened when the client sent STARTTLS (RFC 3207), as the SMTP client reports it: facts
 * only; {@link TlsPolicy#afterStartTls} decides what follows.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface StartTlsResult {

    /**
     * The handshake completed.
     *
     * @param protocol    such as {@code TLSv1.3}
     * @param cipher      such as {@code TLS_AES_128_GCM_SHA256}
     * @param trusted     the chain leads to a trusted root
     * @param nameMatches the certificate names the host we meant to reach
     */
    record Established(String protocol, String cipher, boolean trusted, boolean nameMatches) implements StartTlsResult {
        public Established {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(cipher, "cipher");
        }
    }

    /** The server answered STARTTLS with a 4xx or 5xx; the connection is still in plaintext. */
    record Refused(SmtpReply reply) implements StartTlsResult {
        public Refused {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** The handshake failed; the connection is unusable. */
    record HandshakeFailed(String detail) implements StartTlsResult {
        public HandshakeFailed {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The client ended the handshake because the certificate did not verify (chain not trusted,
     * or not naming the host), as it does when told to require verification; the connection is
     * unusable.
     */
    record Unverified(String detail) implements StartTlsResult {
        public Unverified {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The handshake did not finish in time; the connection is unusable. */
    record Stalled(String detail) implements StartTlsResult {
        public Stalled {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
