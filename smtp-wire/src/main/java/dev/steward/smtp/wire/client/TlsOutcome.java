package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.time.Duration;
import java.util.Objects;

/**
 * What happened when a session tried TLS: a fact for the caller's TLS policy, which decides
 * whether to go on, reconnect without STARTTLS, or give up (STYLE B3, maddy {@code connect.go}).
 *
 * <p>Thread safety: immutable.
 */
public sealed interface TlsOutcome {

    /**
     * The handshake completed; the session now talks TLS.
     *
     * @param protocol            for example {@code TLSv1.3}
     * @param cipherSuite         for example {@code TLS_AES_128_GCM_SHA256}
     * @param verified            whether the chain led to a trusted anchor and the certificate
     *                            matched the server name
     * @param verificationProblem why verification failed, or null when verified
     * @param peerSubject         the server certificate's subject (RFC 2253), or null if none was
     *                            presented
     * @param handshake           how long the handshake took
     */
    record Established(String protocol, String cipherSuite, boolean verified, String verificationProblem,
                       String peerSubject, Duration handshake) implements TlsOutcome {
        public Established {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(cipherSuite, "cipherSuite");
            Objects.requireNonNull(handshake, "handshake");
            if (verified != (verificationProblem == null)) {
                throw new IllegalArgumentException("verificationProblem must be null exactly when verified");
            }
        }
    }

    /**
     * The server answered STARTTLS with something other than 220 (454 TLS not available, 502).
     * Nothing changed: the session goes on in plaintext if the caller's policy allows.
     */
    record Refused(SmtpReply reply) implements TlsOutcome {
        public Refused {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /**
     * TLS could not be established; the session has closed the connection, because after a
     * failed handshake neither side knows what the other has read.
     *
     * @param reason  the kind of failure
     * @param detail  the underlying message, for the log
     * @param elapsed time from the STARTTLS command (or the start of implicit TLS) to the failure
     */
    record Failed(Reason reason, String detail, Duration elapsed) implements TlsOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /** Why TLS failed. */
    enum Reason {
        /** The TLS handshake failed: no common protocol or cipher, a bad record, an alert. */
        HANDSHAKE,
        /** Verification was required ({@link TlsSettings#requireVerified()}) and failed. */
        UNVERIFIED,
        /** The STARTTLS reply or the handshake took longer than its limit. */
        TIMEOUT,
        /** The server closed or reset the connection before the handshake completed. */
        CONNECTION_LOST,
        /** A malformed STARTTLS reply, or plaintext sent after the 220 (a STARTTLS injection attempt). */
        PROTOCOL
    }
}
