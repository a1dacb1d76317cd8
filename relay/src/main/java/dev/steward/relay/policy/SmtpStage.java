package dev.steward.relay.policy;

import dev.steward.relay.policy.Disposition.Scope;

/**
 * Where in the SMTP dialogue a fact was observed. The stage decides how far a failure reaches
 * (Postfix {@code smtp_trouble.c}: site, message or recipient) and names the step in reasons.
 *
 * <p>Thread safety: immutable.
 */
public enum SmtpStage {
    GREETING("the initial server greeting", "receiving the initial server greeting", Scope.DESTINATION),
    EHLO("EHLO command", "performing the EHLO handshake", Scope.DESTINATION),
    HELO("HELO command", "performing the HELO handshake", Scope.DESTINATION),
    STARTTLS("STARTTLS command", "receiving the STARTTLS response", Scope.DESTINATION),
    AUTH("AUTH command", "performing the AUTH handshake", Scope.DESTINATION),
    MAIL("MAIL FROM command", "sending MAIL FROM", Scope.MESSAGE),
    RCPT("RCPT TO command", "sending RCPT TO", Scope.RECIPIENT),
    DATA("DATA command", "sending the DATA command", Scope.MESSAGE),
    /** Sending the message content; the server replies only at the end. */
    BODY("message content", "sending the message body", Scope.MESSAGE),
    /** The reply to the final dot. A connection lost here may mean the message was delivered anyway. */
    END_OF_DATA("end of DATA command", "sending end of data -- message may be sent more than once", Scope.MESSAGE);

    private final String command;
    private final String activity;
    private final Scope scope;

    SmtpStage(String command, String activity, Scope scope) {
        this.command = command;
        this.activity = activity;
        this.scope = scope;
    }

    /** For {@code (in reply to RCPT TO command)}. */
    String command() {
        return command;
    }

    /** For {@code lost connection with HOST while sending RCPT TO}. */
    String activity() {
        return activity;
    }

    /** How far a failure at this stage reaches. */
    Scope scope() {
        return scope;
    }
}
