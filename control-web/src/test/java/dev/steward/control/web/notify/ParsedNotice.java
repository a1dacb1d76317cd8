package dev.steward.control.web.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A received maintenance notice taken apart by hand (headers unfolded, RFC 2047 words decoded, the
 * multipart split, quoted-printable and base64 decoded), so the tests check the wire form.
 *
 * @param headers the top-level headers, lower-cased names, unfolded
 * @param subject the decoded subject
 * @param text the decoded text/plain part
 * @param textHeaders the text part's headers
 * @param ics the decoded calendar attachment
 * @param icsHeaders the attachment's headers
 */
public record ParsedNotice(Map<String, String> headers, String subject, String text, Map<String, String> textHeaders,
                    String ics, Map<String, String> icsHeaders) {

    private static final Pattern WORD = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=");

    public static ParsedNotice of(byte[] content) {
        for (byte b : content) {
            assertThat(b & 0xff).as("every octet is 7-bit").isLessThan(0x80);
        }
        String message = new String(content, StandardCharsets.US_ASCII);
        for (String line : message.split("\r\n", -1)) {
            assertThat(line.length()).as("line length").isLessThanOrEqualTo(78);
        }
        assertThat(message.replace("\r\n", "")).doesNotContain("\n", "\r");
        int end = message.indexOf("\r\n\r\n");
        Map<String, String> headers = headers(message.substring(0, end));
        String type = headers.get("content-type");
        Matcher boundaryMatch = Pattern.compile("boundary=\"([^\"]+)\"").matcher(type);
        assertThat(type).startsWith("multipart/mixed;");
        assertThat(boundaryMatch.find()).isTrue();
        String boundary = "--" + boundaryMatch.group(1);
        String body = message.substring(end + 4);
        assertThat(body).contains("\r\n" + boundary + "--\r\n");
        String[] parts = body.substring(0, body.indexOf("\r\n" + boundary + "--")).split("\r\n" + Pattern.quote(boundary) + "\r\n");
        assertThat(parts).hasSize(3); // preamble, text, calendar
        List<Map<String, String>> partHeaders = new ArrayList<>();
        List<String> decoded = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            int split = parts[i].indexOf("\r\n\r\n");
            Map<String, String> h = headers(parts[i].substring(0, split));
            String raw = parts[i].substring(split + 4);
            partHeaders.add(h);
            decoded.add(switch (h.get("content-transfer-encoding")) {
                case "quoted-printable" -> decodeQuotedPrintable(raw);
                case "base64" -> new String(Base64.getMimeDecoder().decode(raw), StandardCharsets.UTF_8);
                default -> throw new AssertionError("unexpected encoding " + h);
            });
        }
        return new ParsedNotice(headers, decodeWords(headers.get("subject")), decoded.get(0), partHeaders.get(0),
                decoded.get(1), partHeaders.get(1));
    }

    static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return headers;
    }

    /** RFC 2047: adjacent encoded words separated only by white space join without it. */
    static String decodeWords(String value) {
        String joined = value.replaceAll("\\?=\\s+=\\?", "?==?");
        Matcher matcher = WORD.matcher(joined);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            out.append(joined, last, matcher.start());
            out.append(new String(Base64.getDecoder().decode(matcher.group(1)), StandardCharsets.UTF_8));
            last = matcher.end();
        }
        return out.append(joined.substring(last)).toString();
    }

    static String decodeQuotedPrintable(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = encoded.replace("=\r\n", "");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
