package dev.steward.relay.delivery;

import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import dev.steward.smtp.wire.SmtpReply;
import java.nio.charset.StandardCharsets;

/**
 * A remote reply as one line of text, for reasons, diagnostics and the log: the wire form of each
 * line (code and enhanced code included) joined with a space, as Postfix does
 * ({@code 550-5.1.1 first 550 5.1.1 second}).
 *
 * <p>Thread safety: stateless.
 */
public final class ReplyText {

    private ReplyText() {
    }

    /** The whole reply on one line, without CRLF. */
    public static String of(SmtpReply reply) {
        String wire = new String(reply.toBytes(), StandardCharsets.UTF_8);
        return wire.substring(0, wire.length() - 2).replace("\r\n", " ");
    }

    /** The reply's enhanced code, or the class default ({@code 5.0.0} for {@code 550}) when it sent none. */
    public static EnhancedStatus status(SmtpReply reply) {
        return reply.enhancedStatus() == null
                ? EnhancedStatus.defaultFor(reply.code())
                : EnhancedStatus.parse(reply.enhancedStatus());
    }

    /** {@code smtp; <the reply>}. */
    public static Dsn.Diagnostic diagnostic(SmtpReply reply) {
        return Dsn.Diagnostic.smtp(of(reply));
    }
}
