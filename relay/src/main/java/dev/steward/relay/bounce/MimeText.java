package dev.steward.relay.bounce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text encodings a notice needs: word wrapping, header-style folding (RFC 5322 §2.2.3),
 * quoted-printable (RFC 2045 §6.7) and the 7-bit checks that choose between them. Every line this
 * class produces is at most 998 octets (RFC 5322 §2.1.1).
 *
 * <p>Thread safety: stateless.
 */
final class MimeText {

    static final String CRLF = "\r\n";

    /** RFC 5322 §2.1.1: at most 998 characters before CRLF. */
    static final int MAX_LINE = 998;

    private static final int QP_LINE = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MimeText() {
    }

    /**
     * Splits text at spaces into lines of at most {@code width} characters where possible;
     * continuation lines start with {@code indent}. A word longer than the width stays whole (the
     * caller encodes the part as quoted-printable when a line gets too long for 7bit).
     */
    static List<String> wrap(String text, int width, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            if (word.isEmpty()) {
                continue;
            }
            int lead = lines.isEmpty() ? 0 : indent.length();
            if (!line.isEmpty() && lead + line.length() + 1 + word.length() > width) {
                lines.add((lines.isEmpty() ? "" : indent) + line);
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty() || lines.isEmpty()) {
            lines.add((lines.isEmpty() ? "" : indent) + line);
        }
        return lines;
    }

    /**
     * A header-style field, folded before spaces so lines stay near 78 characters, each line
     * ending in CRLF. A run without spaces longer than fits in 998 octets is cut with a fold
     * (XXX: that inserts a space into the value; only hostile or broken remote text is that long).
     * The value must be ASCII (see {@link #ascii(String)}).
     */
    static String field(String name, String value) {
        String text = name + ": " + value;
        StringBuilder out = new StringBuilder(text.length() + 16);
        int start = 0; // where the current output line starts in text
        while (text.length() - start > 78) {
            int earliest = start == 0 ? name.length() + 2 : start + 1; // never fold right after "Name:"
            int fold = text.lastIndexOf(' ', start + 78);
            if (fold < earliest) {
                int next = text.indexOf(' ', earliest);
                if (next < 0) {
                    next = text.length();
                }
                if (next - start < MAX_LINE) {
                    if (next == text.length()) {
                        break;
                    }
                    fold = next;
                } else {
                    // No space for 997 characters: cut, and start the continuation with a space.
                    int cut = start + MAX_LINE - 1;
                    out.append(text, start, cut).append(CRLF).append(' ');
                    start = cut;
                    continue;
                }
            }
            out.append(text, start, fold).append(CRLF);
            start = fold; // the continuation line starts with this space
        }
        return out.append(text, start, text.length()).append(CRLF).toString();
    }

    /** Printable ASCII only: anything else becomes {@code ?} (Postfix {@code printable()}). */
    static String ascii(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(c >= ' ' && c < 0x7f ? c : '?');
        }
        return clean.toString();
    }

    /** True when every byte is 7-bit, there is no NUL, no bare CR or LF, and no line exceeds 998 octets. */
    static boolean is7bit(byte[] text) {
        int lineLength = 0;
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\r') {
                if (i + 1 >= text.length || text[i + 1] != '\n') {
                    return false;
                }
                i++;
                lineLength = 0;
                continue;
            }
            if (b <= 0 || b == '\n' || ++lineLength > MAX_LINE) {
                return false;
            }
        }
        return true;
    }

    /**
     * Quoted-printable of text whose lines end in CRLF: each line encoded on its own, hard line
     * breaks kept, soft breaks ({@code =} CRLF) keeping encoded lines at 76 characters. A bare CR
     * or LF inside a line is encoded, so nothing can smuggle a line break.
     */
    static byte[] quotedPrintable(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + text.length / 4 + 16);
        int lineStart = 0;
        for (int i = 0; i <= text.length; i++) {
            boolean end = i == text.length;
            if (end || text[i] == '\r' && i + 1 < text.length && text[i + 1] == '\n') {
                if (!end || i > lineStart) {
                    encodeLine(text, lineStart, i, out);
                    if (!end) {
                        out.writeBytes(CRLF.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                lineStart = i + 2;
                i++;
            }
        }
        return out.toByteArray();
    }

    private static void encodeLine(byte[] text, int from, int to, ByteArrayOutputStream out) {
        int column = 0;
        for (int i = from; i < to; i++) {
            int b = text[i] & 0xff;
            boolean lastOfLine = i == to - 1;
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lastOfLine);
            int width = literal ? 1 : 3;
            // Leave room for the soft break's "=" unless this is the line's last token.
            if (column + width > (lastOfLine ? QP_LINE : QP_LINE - 1)) {
                out.write('=');
                out.writeBytes(CRLF.getBytes(StandardCharsets.US_ASCII));
                column = 0;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 0xf]);
            }
            column += width;
        }
    }
}
