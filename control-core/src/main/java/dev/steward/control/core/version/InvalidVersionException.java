package dev.steward.control.core.version;

/**
 * A version string that its scheme does not accept. {@link #reason()} says which rule failed, in
 * words an operator can act on (for example {@code major version "01" has a leading zero}); the
 * message is {@code invalid version "TEXT": REASON}.
 *
 * <p>Thread safety: immutable once constructed.
 */
public final class InvalidVersionException extends IllegalArgumentException {

    private final String text;   // the rejected input, shortened to 80 characters
    private final String reason; // the rule that failed

    InvalidVersionException(String text, String reason) {
        super("invalid version \"" + shorten(text) + "\": " + reason);
        this.text = shorten(text);
        this.reason = reason;
    }

    /** @return the rejected input, at most 80 characters (longer inputs end in {@code …}) */
    public String text() {
        return text;
    }

    /** @return the rule that failed, without the input */
    public String reason() {
        return reason;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 79) + "…";
    }
}
