package dev.steward.mail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The header data that {@code b=} signs (RFC 6376 §3.7): the canonicalized fields named in
 * {@code h=}, then the DKIM-Signature field itself with the {@code b=} value emptied and without its
 * final CRLF. Shared by signer and verifier so both compute exactly the same bytes.
 *
 * <p>Thread safety: stateless.
 */
final class SigningInput {

    private SigningInput() {
    }

    static byte[] headerData(RawHeaders headers, List<String> signedHeaders, Canonicalization canonicalization,
            String signatureFieldWithoutB) {
        StringBuilder data = new StringBuilder();
        for (RawHeaders.Field field : headers.select(signedHeaders)) {
            data.append(canonicalization.header(field.raw()));
        }
        String signatureField = canonicalization.header(signatureFieldWithoutB);
        data.append(signatureField, 0, signatureField.length() - 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length());
        out.writeBytes(data.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /**
     * The raw field with the value of its {@code b=} tag removed, surrounding whitespace included
     * (§3.5, b= tag; §3.7). Tag values never contain ';' (z= encodes it), so tags split on ';'.
     */
    static String withoutSignatureValue(String rawField) {
        int colon = rawField.indexOf(':');
        int start = colon + 1;
        while (start <= rawField.length()) {
            int end = rawField.indexOf(';', start);
            if (end < 0) {
                end = rawField.length();
            }
            int equals = rawField.indexOf('=', start);
            if (equals >= 0 && equals < end && TagList.removeWhitespace(rawField.substring(start, equals)).equals("b")) {
                // Keep a final CRLF that ends the field, if the b= tag is the last one.
                String rest = rawField.substring(end);
                if (end == rawField.length() && rawField.endsWith("\r\n")) {
                    rest = "\r\n";
                }
                return rawField.substring(0, equals + 1) + rest;
            }
            start = end + 1;
        }
        return rawField;
    }
}
