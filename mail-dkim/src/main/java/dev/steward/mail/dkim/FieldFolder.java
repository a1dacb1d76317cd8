package dev.steward.mail.dkim;

/**
 * Builds a folded header field (RFC 5322 §2.2.3) with lines of at most
 * {@value #MAX_LINE} characters where the pieces allow it (§2.1.1's recommendation).
 *
 * <p>Thread safety: single-threaded.
 */
final class FieldFolder {

    static final int MAX_LINE = 78;

    private final StringBuilder text = new StringBuilder(); // the field so far, no final CRLF
    private int lineLength; // characters on the current line

    FieldFolder(String name) {
        text.append(name).append(':');
        lineLength = text.length();
    }

    /** Appends a piece after a space, folding first if it would not fit. */
    void spaced(String piece) {
        if (lineLength + 1 + piece.length() > MAX_LINE) {
            text.append("\r\n");
            lineLength = 0;
        }
        text.append(' ').append(piece);
        lineLength += 1 + piece.length();
    }

    /** Appends a piece directly (folding with a space first if it would not fit). */
    void glued(String piece) {
        if (lineLength + piece.length() > MAX_LINE) {
            text.append("\r\n ");
            lineLength = 1;
        }
        text.append(piece);
        lineLength += piece.length();
    }

    /** Appends text that may be folded anywhere (base64), filling each line. */
    void splittable(String piece) {
        for (int i = 0; i < piece.length(); ) {
            int room = MAX_LINE - lineLength;
            if (room <= 0) {
                text.append("\r\n ");
                lineLength = 1;
                room = MAX_LINE - 1;
            }
            int take = Math.min(room, piece.length() - i);
            text.append(piece, i, i + take);
            lineLength += take;
            i += take;
        }
    }

    /** The field so far, without a final CRLF. */
    @Override
    public String toString() {
        return text.toString();
    }
}
