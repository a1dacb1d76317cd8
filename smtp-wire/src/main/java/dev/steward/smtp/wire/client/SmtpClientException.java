package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * An SMTP client conversation failed; {@link #failure()} says how, at which stage, after how long.
 * The message names the stage, the peer and the elapsed time (STYLE B5.5), for example
 * {@code SMTP RCPT timed out after 300.0 s (limit 300.0 s) with /192.0.2.1:25}. It never contains
 * credentials or message content.
 *
 * <p>Thread safety: immutable.
 */
public final class SmtpClientException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ClientFailure failure;
    private final String peer;

    /**
     * @param failure the fact
     * @param peer    the server's address as text, for the message
     * @param cause   the underlying exception, or null
     */
    public SmtpClientException(ClientFailure failure, String peer, Throwable cause) {
        super(describe(failure, peer), cause);
        this.failure = failure;
        this.peer = peer;
    }

    public ClientFailure failure() {
        return failure;
    }

    public Stage stage() {
        return failure.stage();
    }

    /** The server's address as text, as given by the session. */
    public String peer() {
        return peer;
    }

    private static String describe(ClientFailure failure, String peer) {
        Objects.requireNonNull(failure, "failure");
        String stage = "SMTP " + failure.stage();
        String after = " after " + seconds(failure.elapsed()) + " with " + peer;
        return switch (failure) {
            case ClientFailure.Rejected rejected -> stage + " rejected: " + rejected.reply().oneLine() + after;
            case ClientFailure.TimedOut timedOut -> stage + " timed out" + " after " + seconds(timedOut.elapsed())
                    + " (limit " + seconds(timedOut.limit()) + ") with " + peer;
            case ClientFailure.ConnectionLost lost -> stage + " connection lost: " + lost.detail() + after;
            case ClientFailure.ProtocolViolation violation -> stage + " protocol violation: " + violation.detail() + after;
            case ClientFailure.ContentUnreadable unreadable -> stage + " message content unreadable: "
                    + unreadable.detail() + after;
        };
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
    }
}
