package dev.steward.smtp.wire;

/**
 * A command argument that does not follow RFC 5321 syntax. The message is a plain-words reason
 * meant for the client, e.g. {@code 501 5.5.4 <reason>}; it never echoes the input.
 *
 * <p>Thread safety: immutable.
 */
public final class CommandSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    public CommandSyntaxException(String reason) {
        super(reason);
    }

    /** The reason in plain words, fit for a reply line. */
    public String reason() {
        return getMessage();
    }
}
