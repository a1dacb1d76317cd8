package dev.steward.smtp.wire;

import java.util.Objects;

/**
 * One command line split into its verb and the text after it (RFC 5321 §4.1.1).
 *
 * @param verb     the verb, matched case-insensitively; {@link Verb#UNKNOWN} for anything else
 * @param argument the text after the verb and the blanks that follow it, trailing blanks
 *                 removed; {@code ""} when there is none
 *
 * <p>Thread safety: immutable.
 */
public record SmtpCommand(Verb verb, String argument) {

    /** The verbs a server distinguishes; the server decides which it supports. */
    public enum Verb {
        EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, EXPN, HELP, STARTTLS, AUTH, BDAT, UNKNOWN
    }

    public SmtpCommand {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(argument, "argument");
    }
}
