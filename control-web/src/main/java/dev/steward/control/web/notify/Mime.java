package dev.steward.control.web.notify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The MIME encodings the notices need, so that every message is 7-bit clean and no relay needs
 * 8BITMIME: quoted-printable bodies (RFC 2045 §6.7), base64 attachments, and RFC 2047 encoded
 * words for a header with non-ASCII text.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class Mime {

    /** The longest encoded line of a quoted-printable body, without CRLF (RFC 2045 §6.7 rule 5). */
    static final int QP_LINE = 76;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Mime() {
    }

    /**
     * {@code text} as quoted-printable UTF-8. Line breaks (LF, CRLF or CR) become CRLF hard breaks;
     * lines longer than 76 are broken with soft breaks ({@code =} at the end), never inside an
     * {@code =XX} triplet; {@code =}, non-ASCII octets, control characters and a space or tab before
     * a line break are encoded.
     */
    public static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8 + 16);
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            byte[] octets = lines[l].getBytes(StandardCharsets.UTF_8);
            int column = 0;
            for (int i = 0; i < octets.length; i++) {
                int b = octets[i] & 0xff;
                boolean last = i == octets.length - 1;
                boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
                int width = literal ? 1 : 3;
                // Keep room for the soft break's '=' unless this is the line's last octet.
                int limit = last ? QP_LINE : QP_LINE - 1;
                if (column + width > limit) {
                    out.append("=\r\n");
                    column = 0;
                }
                if (literal) {
                    out.append((char) b);
                } else {
                    out.append('=').append(HEX[b >> 4]).append(HEX[b & 0xf]);
                }
                column += width;
            }
            if (l < lines.length - 1) {
                out.append("\r\n");
            }
        }
        return out.toString();
    }

    /** {@code octets} as base64 in lines of 76 characters, each ending in CRLF. */
    public static String base64(byte[] octets) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(octets) + "\r\n";
    }

    /**
     * A whole header field without its CRLF, {@code Name: value}, with lines of at most 78
     * characters: printable ASCII text is folded at spaces (a word longer than a line stays whole);
     * other text becomes RFC 2047 encoded words ({@code =?UTF-8?B?...?=}, each at most 68
     * characters and holding whole characters), one per line. Control characters (a line break
     * would start a new header) become spaces.
     */
    public static String header(String name, String text) {
        String clean = text.replaceAll("[\\x00-\\x1f\\x7f]", " ");
        if (clean.chars().allMatch(c -> c < 0x7f)) {
            StringBuilder out = new StringBuilder(name).append(':');
            int column = out.length();
            for (String word : clean.split(" ", -1)) {
                if (column > name.length() + 1 && column + 1 + word.length() > 78) {
                    out.append("\r\n");
                    column = 0;
                }
                out.append(' ').append(word);
                column += 1 + word.length();
            }
            return out.toString();
        }
        // "=?UTF-8?B?" + "?=" is 12 characters; 14 groups of 4 base64 characters hold 42 octets: a
        // word of at most 68 fits after "Subject: " and after the folding space.
        int maxOctets = 42;
        List<String> words = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int octets = 0;
        for (int i = 0; i < clean.length(); ) {
            int codePoint = clean.codePointAt(i);
            int width = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + width > maxOctets) {
                words.add(word(chunk.toString()));
                chunk.setLength(0);
                octets = 0;
            }
            chunk.appendCodePoint(codePoint);
            octets += width;
            i += Character.charCount(codePoint);
        }
        if (!chunk.isEmpty()) {
            words.add(word(chunk.toString()));
        }
        return name + ": " + String.join("\r\n ", words);
    }

    private static String word(String text) {
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /**
     * An address list header value ({@code To}), folded after a comma when a line would pass 78
     * characters ({@code nameLength} is the header name with its colon and space).
     */
    public static String addressList(List<String> addresses, int nameLength) {
        StringBuilder out = new StringBuilder();
        int column = nameLength;
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i) + (i < addresses.size() - 1 ? "," : "");
            if (i > 0) {
                if (column + 1 + address.length() > 78) {
                    out.append("\r\n ");
                    column = 1;
                } else {
                    out.append(' ');
                    column++;
                }
            }
            out.append(address);
            column += address.length();
        }
        return out.toString();
    }
}
