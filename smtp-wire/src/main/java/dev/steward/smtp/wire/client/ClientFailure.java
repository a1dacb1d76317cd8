package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.time.Duration;
import java.util.Objects;

/**
 * Why an SMTP client conversation could not go on: a fact for the caller's failure policy, never a
 * decision. Carried by {@link SmtpClientException}. After any of these the session has closed the
 * connection, except after {@link Rejected} at {@link Stage#AUTH}: the conversation is intact and
 * the caller may still send QUIT.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface ClientFailure {

    /** The stage that failed. */
    Stage stage();

    /** Time spent in the stage, from its command (or, for the greeting, from the start) until the failure. */
    Duration elapsed();

    /**
     * The server answered with a reply that ends the conversation: a greeting other than 220
     * (421, 554), EHLO and HELO both refused, AUTH refused (535), RSET refused.
     */
    record Rejected(Stage stage, SmtpReply reply, Duration elapsed) implements ClientFailure {
        public Rejected {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * No complete reply within {@code limit}, or a write blocked longer than {@code limit} and the
     * connection was closed.
     */
    record TimedOut(Stage stage, Duration elapsed, Duration limit) implements ClientFailure {
        public TimedOut {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(elapsed, "elapsed");
            Objects.requireNonNull(limit, "limit");
        }
    }

    /** The server closed the connection, or it failed (reset, broken pipe). */
    record ConnectionLost(Stage stage, Duration elapsed, String detail) implements ClientFailure {
        public ConnectionLost {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(elapsed, "elapsed");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The server broke the protocol: a malformed reply, a reply that cannot answer the command
     * (a 3yz to MAIL), plaintext injected after the STARTTLS reply.
     */
    record ProtocolViolation(Stage stage, Duration elapsed, String detail) implements ClientFailure {
        public ProtocolViolation {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(elapsed, "elapsed");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Reading the message content from the caller's stream failed mid-DATA. The connection was
     * closed without the end-of-data line, so the server cannot accept a truncated message.
     */
    record ContentUnreadable(Stage stage, Duration elapsed, String detail) implements ClientFailure {
        public ContentUnreadable {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(elapsed, "elapsed");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
