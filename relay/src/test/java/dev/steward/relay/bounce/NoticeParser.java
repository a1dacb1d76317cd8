package dev.steward.relay.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, strict reader for the notices {@link BounceComposer} writes, written independently of
 * it: CRLF only, lines of at most 998 octets, RFC 5322 unfolding, RFC 2046 multipart splitting and
 * RFC 2045 quoted-printable decoding. Fails the test on anything else.
 */
final class NoticeParser {

    record Part(Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    record Notice(Map<String, String> headers, String preamble, List<Part> parts) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"([^\"]+)\"");

    private NoticeParser() {
    }

    static Notice parse(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        checkLines(message);
        int split = text.indexOf("\r\n\r\n");
        assertThat(split).as("header/body separator").isPositive();
        Map<String, String> headers = headers(text.substring(0, split + 2));
        String body = text.substring(split + 4);
        Matcher boundary = BOUNDARY.matcher(headers.get("content-type"));
        assertThat(boundary.find()).as("boundary in %s", headers.get("content-type")).isTrue();
        String delimiter = "\r\n--" + boundary.group(1);
        String closing = delimiter + "--\r\n";
        assertThat(body).endsWith(closing);
        body = "\r\n" + body.substring(0, body.length() - closing.length());
        String[] pieces = body.split(Pattern.quote(delimiter + "\r\n"), -1);
        List<Part> parts = new ArrayList<>();
        for (int i = 1; i < pieces.length; i++) {
            int end = pieces[i].indexOf("\r\n\r\n");
            assertThat(end).as("part %d headers", i).isPositive();
            Map<String, String> partHeaders = headers(pieces[i].substring(0, end + 2));
            String partBody = pieces[i].substring(end + 4);
            if ("quoted-printable".equals(partHeaders.get("content-transfer-encoding"))) {
                partBody = new String(decodeQuotedPrintable(partBody), StandardCharsets.UTF_8);
            }
            parts.add(new Part(partHeaders, partBody));
        }
        return new Notice(headers, pieces[0].substring(2), parts);
    }

    /** The blocks of a {@code message/delivery-status} body: per-message fields, then one map per recipient. */
    static List<Map<String, String>> statusBlocks(String body) {
        List<Map<String, String>> blocks = new ArrayList<>();
        for (String block : body.split("\r\n\r\n", -1)) {
            if (!block.isEmpty()) {
                blocks.add(headers(block.endsWith("\r\n") ? block : block + "\r\n"));
            }
        }
        return blocks;
    }

    /** Unfolded fields, names lower-cased; a repeated name fails the test. */
    static Map<String, String> headers(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        String unfolded = section.replaceAll("\r\n[ \t]", " ");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            assertThat(colon).as("field line: %s", line).isPositive();
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            assertThat(name).matches("[a-z0-9-]+");
            assertThat(fields.put(name, line.substring(colon + 1).strip())).as("repeated field %s", name).isNull();
        }
        return fields;
    }

    static byte[] decodeQuotedPrintable(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] lines = encoded.split("\r\n", -1);
        for (int l = 0; l < lines.length; l++) {
            String line = lines[l];
            assertThat(line.length()).as("quoted-printable line length").isLessThanOrEqualTo(76);
            boolean soft = line.endsWith("=");
            String content = soft ? line.substring(0, line.length() - 1) : line;
            if (!soft) { // RFC 2045 §6.7 (3): white space may precede a soft break, never end a line
                assertThat(content).as("no trailing white space in quoted-printable").doesNotEndWith(" ").doesNotEndWith("\t");
            }
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                assertThat((int) c).isLessThan(0x80);
                if (c == '=') {
                    out.write(Integer.parseInt(content.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            if (!soft && l < lines.length - 1) {
                out.write('\r');
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static void checkLines(byte[] message) {
        int lineLength = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r') {
                assertThat(i + 1 < message.length && message[i + 1] == '\n').as("CR at %d followed by LF", i).isTrue();
                i++;
                lineLength = 0;
            } else {
                assertThat(message[i]).as("bare LF or NUL at %d", i).isNotIn((byte) '\n', (byte) 0);
                lineLength++;
                assertThat(lineLength).as("line length at %d", i).isLessThanOrEqualTo(998);
            }
        }
        assertThat(lineLength).as("message ends with CRLF").isZero();
    }
}
