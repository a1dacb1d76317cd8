package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;

/**
 * Which SMTP extensions a message needs to travel unchanged, found by {@link #scan}.
 *
 * <p>{@link ClientSession#send} acts on these facts: it adds {@code BODY=8BITMIME} (RFC 6152)
 * when {@code eightBit} and the server offers it, and {@code SMTPUTF8} (RFC 6531) when
 * {@link #smtpUtf8()} and the server offers it. When SMTPUTF8 is needed but not offered it sends
 * nothing and returns {@link TransactionResult.NotAttempted}, because RFC 6531 §3.4 forbids
 * sending such a message to such a server; bouncing with 5.6.7 or downgrading is the caller's
 * decision. A caller that decides to send anyway passes needs without {@code smtpUtf8}.
 *
 * @param eightBit      the content has an octet of 0x80 or above (header or body)
 * @param utf8Envelope  the sender or a recipient has a non-ASCII character
 * @param utf8Headers   the header section has an octet of 0x80 or above (RFC 6532 headers)
 *
 * <p>Thread safety: immutable.
 */
public record TransportNeeds(boolean eightBit, boolean utf8Envelope, boolean utf8Headers) {

    /** Plain 7-bit ASCII: no extension needed. */
    public static final TransportNeeds NONE = new TransportNeeds(false, false, false);

    /** Whether the message needs SMTPUTF8: a UTF-8 envelope or UTF-8 header fields. */
    public boolean smtpUtf8() {
        return utf8Envelope || utf8Headers;
    }

    /**
     * Reads the whole content once and reports what it and the envelope need. The header section
     * ends at the first empty line (RFC 5322 §2.1); a bare LF counts as a line end here.
     *
     * @param content the message, not closed here
     */
    public static TransportNeeds scan(String sender, Collection<String> recipients, InputStream content)
            throws IOException {
        boolean utf8Envelope = !isAscii(sender);
        for (String recipient : recipients) {
            utf8Envelope |= !isAscii(recipient);
        }
        byte[] buffer = new byte[16 * 1024];
        boolean inHeaders = true;
        boolean headers8Bit = false;
        boolean eightBit = false;
        int lineLength = 0;   // header line octets so far, CR not counted; 0 at a line start
        int count;
        while ((count = content.read(buffer)) >= 0) {
            for (int i = 0; i < count; i++) {
                byte b = buffer[i];
                if (b < 0) {
                    eightBit = true;
                    headers8Bit |= inHeaders;
                }
                if (inHeaders) {
                    if (b == '\n') {
                        if (lineLength == 0) {
                            inHeaders = false;
                        }
                        lineLength = 0;
                    } else if (b != '\r') {
                        lineLength++;
                    }
                }
            }
            if (eightBit && !inHeaders) {
                break;   // nothing left to learn
            }
        }
        return new TransportNeeds(eightBit, utf8Envelope, headers8Bit);
    }

    /** Whether every character is US-ASCII. */
    public static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
