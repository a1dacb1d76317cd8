package dev.steward.smtp.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A server reply (RFC 5321 §4.2) with an optional enhanced status code (RFC 3463) that
 * {@link #toBytes()} repeats on every line, as RFC 2034 §3 requires.
 *
 * <p>Reply text may come from anywhere (an address, a remote reply): the constructor replaces CR,
 * LF and other control characters with spaces, so no text can end a line early and inject a reply
 * line of its own.
 *
 * @param code           three-digit reply code, 200..599
 * @param enhancedStatus {@code class.subject.detail} whose class matches the code's first digit,
 *                       or {@code null} where none is sent (the greeting, EHLO/HELO, 354)
 * @param lines          the text lines, at least one; a line may be empty
 *
 * <p>Thread safety: immutable.
 */
public record SmtpReply(int code, String enhancedStatus, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code must be 200..599, was " + code);
        }
        if (enhancedStatus != null) {
            if (!ENHANCED.matcher(enhancedStatus).matches()) {
                throw new IllegalArgumentException("not an enhanced status code: " + enhancedStatus);
            }
            if (enhancedStatus.charAt(0) - '0' != code / 100) {
                throw new IllegalArgumentException("enhanced status " + enhancedStatus + " does not match code " + code);
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        lines = lines.stream().map(SmtpReply::sanitize).toList();
    }

    /** A reply with the given text lines. */
    public static SmtpReply of(int code, String enhancedStatus, String... lines) {
        return new SmtpReply(code, enhancedStatus, List.of(lines));
    }

    /** {@code 250 2.0.0 Ok}. */
    public static SmtpReply ok() {
        return of(250, "2.0.0", "Ok");
    }

    /** RFC 5321 §4.2.1: 2yz, the requested action has been completed. */
    public boolean isPositiveCompletion() {
        return code / 100 == 2;
    }

    /** RFC 5321 §4.2.1: 3yz, the server waits for more (354 after DATA, 334 during AUTH). */
    public boolean isPositiveIntermediate() {
        return code / 100 == 3;
    }

    /** RFC 5321 §4.2.1: 4yz, the action was not taken but may succeed if asked again. */
    public boolean isTransientNegative() {
        return code / 100 == 4;
    }

    /** RFC 5321 §4.2.1: 5yz, the action was not taken and the same request will not succeed. */
    public boolean isPermanentNegative() {
        return code / 100 == 5;
    }

    /**
     * The reply on one line for logs and diagnostics: code, enhanced status when present, and the
     * text lines joined by a space, as in {@code 550 5.1.1 No such user here}.
     */
    public String oneLine() {
        StringBuilder text = new StringBuilder(16 + 64 * lines.size()).append(code);
        if (enhancedStatus != null) {
            text.append(' ').append(enhancedStatus);
        }
        for (String line : lines) {
            if (!line.isEmpty()) {
                text.append(' ').append(line);
            }
        }
        return text.toString();
    }

    /** The wire form: {@code 250-2.0.0 first} ... {@code 250 2.0.0 last}, each line ending in CRLF, UTF-8. */
    public byte[] toBytes() {
        StringBuilder text = new StringBuilder(64 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            text.append(code).append(i + 1 < lines.size() ? '-' : ' ');
            String line = lines.get(i);
            if (enhancedStatus != null) {
                text.append(enhancedStatus);
                if (!line.isEmpty()) {
                    text.append(' ');
                }
            }
            text.append(line).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sanitize(String line) {
        Objects.requireNonNull(line, "line");
        StringBuilder clean = null;
        for (int i = 0; i < line.length(); i++) {
            if (Character.isISOControl(line.charAt(i))) {
                if (clean == null) {
                    clean = new StringBuilder(line);
                }
                clean.setCharAt(i, ' ');
            }
        }
        return clean == null ? line : clean.toString();
    }
}
