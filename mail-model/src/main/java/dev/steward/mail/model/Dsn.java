package dev.steward.mail.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The delivery status of one recipient, modelled on Postfix {@code dsn.h}: what happened
 * ({@link Action}), the enhanced status code, a reason in words, and, when a remote server said
 * something, the diagnostic and the name of that server. One value serves the delivery log line,
 * the queue's {@code last_failure} and the per-recipient fields of an RFC 3464 delivery status
 * notification.
 *
 * <p>Text from remote servers ends up in the reason and the diagnostic. The constructor replaces
 * CR, LF and every other control character there with a space, so neither can break a log line or
 * inject a header field into a bounce.
 *
 * <p>Thread safety: immutable.
 *
 * @param status     the enhanced status code; its class must fit the action (see {@link Action})
 * @param action     what the mail system did with the recipient
 * @param reason     the reason in words, never empty, such as
 *                   {@code host mx.example.org[203.0.113.5] said: 550 5.1.1 no such user (in reply to RCPT TO command)}
 * @param diagnostic what the remote server said, or {@code null} when none did (a connection or DNS
 *                   failure)
 * @param remoteMta  the DNS name of the server that said it ({@code Remote-MTA: dns; NAME}), or
 *                   {@code null}
 */
public record Dsn(EnhancedStatus status, Action action, String reason, Diagnostic diagnostic, String remoteMta) {

    private static final Pattern ATOM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");

    /** The {@code Action} field of RFC 3464 §2.3.3. */
    public enum Action {
        /** Given up: the recipient is bounced. Class 5, or class 4 when a temporary failure outlived the queue lifetime. */
        FAILED,
        /** Not yet delivered, still being retried. Class 4. */
        DELAYED,
        /** Delivered to the recipient's mailbox. Class 2. */
        DELIVERED,
        /** Handed on to a system that does not return delivery notifications. Class 2. */
        RELAYED,
        /** Delivered and forwarded to further recipients (an alias or list). Class 2. */
        EXPANDED;

        /** The RFC 3464 keyword: {@code failed}, {@code delayed}, ... */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The {@code Diagnostic-Code} of RFC 3464 §2.3.6: a type and the text in that type's terms.
     *
     * @param type an atom such as {@code smtp}
     * @param text for {@code smtp}, the whole reply: {@code 550 5.1.1 no such user}; lines of a
     *             multi-line reply joined with a space
     */
    public record Diagnostic(String type, String text) {

        public Diagnostic {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(text, "text");
            if (!ATOM.matcher(type).matches()) {
                throw new IllegalArgumentException("a diagnostic type is an atom such as smtp, was \"" + type + "\"");
            }
            text = withoutControls(text);
        }

        /** An SMTP diagnostic: {@code smtp; 550 5.1.1 no such user}. */
        public static Diagnostic smtp(String replyText) {
            return new Diagnostic("smtp", replyText);
        }

        /** {@code type; text}, as in the DSN field. */
        @Override
        public String toString() {
            return type + "; " + text;
        }
    }

    public Dsn {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        reason = withoutControls(reason);
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a DSN needs a reason");
        }
        boolean fits = switch (action) {
            case FAILED -> !status.isSuccess();
            case DELAYED -> status.isTransient();
            case DELIVERED, RELAYED, EXPANDED -> status.isSuccess();
        };
        if (!fits) {
            throw new IllegalArgumentException("status " + status + " does not fit action " + action.keyword());
        }
        if (remoteMta != null && (remoteMta.isEmpty() || !remoteMta.chars().allMatch(c -> c > ' ' && c != ';' && c != 0x7f))) {
            throw new IllegalArgumentException("a remote MTA is a host name, was \"" + remoteMta + "\"");
        }
    }

    /** A failure decided locally, without a remote server's words (a DNS answer, a loop). */
    public static Dsn failed(EnhancedStatus status, String reason) {
        return new Dsn(status, Action.FAILED, reason, null, null);
    }

    /** A temporary failure decided locally (a timeout, a refused connection). */
    public static Dsn delayed(EnhancedStatus status, String reason) {
        return new Dsn(status, Action.DELAYED, reason, null, null);
    }

    /** This status with another action: a {@code delayed} recipient becomes {@code failed} when its message expires. */
    public Dsn withAction(Action newAction) {
        return new Dsn(status, newAction, reason, diagnostic, remoteMta);
    }

    /** This status with a remote server's diagnostic and name. */
    public Dsn withRemote(Diagnostic newDiagnostic, String newRemoteMta) {
        return new Dsn(status, action, reason, newDiagnostic, newRemoteMta);
    }

    private static String withoutControls(String text) {
        StringBuilder clean = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (clean == null) {
                    clean = new StringBuilder(text);
                }
                clean.setCharAt(i, ' ');
            }
        }
        return clean == null ? text : clean.toString();
    }
}
