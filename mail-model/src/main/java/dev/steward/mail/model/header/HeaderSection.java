package dev.steward.mail.model.header;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The header section of a message (RFC 5322 §2.1): everything before the first empty line, split
 * into unfolded fields.
 *
 * <p>Input has CRLF line endings (the SMTP DATA reader guarantees it). Header bytes are decoded as
 * UTF-8 (RFC 6532); when they are not valid UTF-8 the whole section is decoded as ISO-8859-1
 * instead, so 8-bit junk never stops parsing. A line that is neither a field nor a continuation, a
 * continuation with no field before it, and a bare CR, bare LF or NUL mark the section
 * {@link #malformed()}; the fields that could be read are still listed, and callers refuse the
 * message rather than guess.
 *
 * <p>Thread safety: immutable.
 */
public final class HeaderSection {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final List<HeaderField> fields;
    private final int headerLength;
    private final int bodyOffset;
    private final String malformedReason;

    private HeaderSection(List<HeaderField> fields, int headerLength, int bodyOffset, String malformedReason) {
        this.fields = List.copyOf(fields);
        this.headerLength = headerLength;
        this.bodyOffset = bodyOffset;
        this.malformedReason = malformedReason;
    }

    /**
     * Parses the header section of the first {@code length} bytes of {@code message}. Never
     * throws on content; see {@link #malformed()}.
     */
    public static HeaderSection parse(byte[] message, int length) {
        Objects.requireNonNull(message, "message");
        Objects.checkFromIndexSize(0, length, message.length);
        int headerLength = length;
        int bodyOffset = length;
        for (int lineStart = 0; lineStart < length; ) {
            int lineEnd = indexOfCrLf(message, lineStart, length);
            if (lineEnd < 0) {
                break; // last line without CRLF: still header, no body
            }
            if (lineEnd == lineStart) {
                headerLength = lineStart;
                bodyOffset = lineStart + 2;
                break;
            }
            lineStart = lineEnd + 2;
        }
        String text = decode(message, headerLength);
        Builder builder = new Builder();
        int lineNumber = 0;
        for (int lineStart = 0; lineStart < text.length(); ) {
            int lineEnd = text.indexOf("\r\n", lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            builder.line(text.substring(lineStart, lineEnd), ++lineNumber);
            lineStart = lineEnd + 2;
        }
        return builder.build(headerLength, bodyOffset);
    }

    /** All fields in message order. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The fields with this name, ignoring case, in message order. */
    public List<HeaderField> all(String name) {
        Objects.requireNonNull(name, "name");
        return fields.stream().filter(field -> field.hasName(name)).toList();
    }

    /** True when at least one field has this name, ignoring case. */
    public boolean has(String name) {
        Objects.requireNonNull(name, "name");
        return fields.stream().anyMatch(field -> field.hasName(name));
    }

    /** Bytes of the header section, including each field's CRLF, excluding the empty line after it. */
    public int headerLength() {
        return headerLength;
    }

    /** The first byte after the empty line, or the input length when there is no body. */
    public int bodyOffset() {
        return bodyOffset;
    }

    /** True when a line could not be read as a field or a continuation; see {@link #malformedReason()}. */
    public boolean malformed() {
        return malformedReason != null;
    }

    /** Why the section is malformed (the first problem found), or {@code null} when it is not. */
    public String malformedReason() {
        return malformedReason;
    }

    private static int indexOfCrLf(byte[] bytes, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (bytes[i] == CR && bytes[i + 1] == LF) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            // XXX The whole section falls back, not just the bad field: simpler, and a message with
            // raw 8-bit legacy headers is rare from apps. ISO-8859-1 maps every byte, so the byte
            // count and line structure are preserved.
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** Collects fields line by line; one instance per parse. */
    private static final class Builder {
        private final List<HeaderField> fields = new ArrayList<>(); // completed fields
        private String name; // name of the field being unfolded, or null before the first
        private StringBuilder value; // its value so far, folds joined
        private String malformedReason; // first problem found, or null

        void line(String line, int lineNumber) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    String what = c == 0 ? "a NUL character" : c == '\r' ? "a bare CR" : "a bare LF";
                    malformed("header line " + lineNumber + " contains " + what);
                    break;
                }
            }
            char first = line.isEmpty() ? 0 : line.charAt(0);
            if (first == ' ' || first == '\t') {
                if (name == null) {
                    malformed("the header section starts with a continuation line");
                } else {
                    value.append(line); // RFC 5322 §2.2.3: unfold by removing the CRLF only
                }
                return;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isFieldName(line, colon)) {
                malformed("header line " + lineNumber + " is neither a header field (name:) nor a continuation");
                finishField(); // continuations after it must not join the field before it
                return;
            }
            finishField();
            name = line.substring(0, colon);
            value = new StringBuilder(line.substring(colon + 1));
        }

        HeaderSection build(int headerLength, int bodyOffset) {
            finishField();
            return new HeaderSection(fields, headerLength, bodyOffset, malformedReason);
        }

        private void finishField() {
            if (name != null) {
                fields.add(new HeaderField(name, stripLeadingWhitespace(value)));
                name = null;
                value = null;
            }
        }

        private void malformed(String reason) {
            if (malformedReason == null) {
                malformedReason = reason;
            }
        }

        /** RFC 5322 §3.6.8 ftext: printable ASCII except colon; no spaces before the colon. */
        private static boolean isFieldName(String line, int colon) {
            for (int i = 0; i < colon; i++) {
                char c = line.charAt(i);
                if (c < 33 || c > 126) {
                    return false;
                }
            }
            return true;
        }

        private static String stripLeadingWhitespace(CharSequence text) {
            int start = 0;
            while (start < text.length() && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
                start++;
            }
            return text.subSequence(start, text.length()).toString();
        }
    }
}
