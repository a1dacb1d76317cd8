package dev.steward.relay.sendmail;

import dev.steward.mail.model.header.HeaderSection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The two header edits sendmail makes: drop Bcc (with -t) and add a missing From. */
final class MessageEditing {

    private MessageEditing() {
    }

    /** Removes every field named {@code name} (with its continuation lines) from the header section. */
    static byte[] removeHeader(byte[] message, HeaderSection headers, String name) {
        int headerEnd = Math.min(headers.headerLength(), message.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        boolean dropping = false;
        int lineStart = 0;
        while (lineStart < headerEnd) {
            int lineEnd = lineStart;
            while (lineEnd < message.length && message[lineEnd] != '\n') {
                lineEnd++;
            }
            lineEnd = Math.min(lineEnd + 1, message.length);
            boolean continuation = message[lineStart] == ' ' || message[lineStart] == '\t';
            if (!continuation) {
                dropping = startsWithField(message, lineStart, name);
            }
            if (!dropping) {
                out.write(message, lineStart, lineEnd - lineStart);
            }
            lineStart = lineEnd;
        }
        out.write(message, lineStart, message.length - lineStart);
        return out.toByteArray();
    }

    private static boolean startsWithField(byte[] message, int at, String name) {
        if (at + name.length() >= message.length) {
            return false;
        }
        String prefix = new String(message, at, name.length(), StandardCharsets.ISO_8859_1);
        int colon = at + name.length();
        while (colon < message.length && (message[colon] == ' ' || message[colon] == '\t')) {
            colon++; // obs-optional: "Bcc :" (RFC 5322 section 4.5)
        }
        return prefix.equalsIgnoreCase(name) && colon < message.length && message[colon] == ':';
    }

    static byte[] prependHeader(byte[] message, String name, String value) {
        byte[] field = (name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[field.length + message.length];
        System.arraycopy(field, 0, result, 0, field.length);
        System.arraycopy(message, 0, result, field.length, message.length);
        return result;
    }

    /** {@code "Full Name" <addr>} with the name quoted as RFC 5322 §3.2.4 requires, or {@code <addr>}. */
    static String fromValue(String fullName, String address) {
        if (fullName == null || fullName.isBlank()) {
            return "<" + address + ">";
        }
        String clean = fullName.replaceAll("[\\r\\n]", " ").replace("\\", "\\\\").replace("\"", "\\\"");
        return "\"" + clean + "\" <" + address + ">";
    }
}
