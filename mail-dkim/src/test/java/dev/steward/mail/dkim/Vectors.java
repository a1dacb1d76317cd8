package dev.steward.mail.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the DKIM conformance files in {@code shared/conformance/dkim} beside the checkout (found by
 * walking up from the working directory, as the relay's {@code Conformance} does).
 */
final class Vectors {

    private Vectors() {
    }

    static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/conformance"), dir.resolve("../shared/conformance")}) {
                if (Files.isDirectory(candidate)) {
                    return candidate.resolve("dkim").resolve(relative).normalize();
                }
            }
        }
        throw new AssertionError("shared/conformance not found above " + Path.of("").toAbsolutePath()
                + "; the conformance suites are required for these tests");
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String relative) {
        return new String(bytes(relative), StandardCharsets.ISO_8859_1);
    }

    /** The file with bare LF line endings turned into CRLF (the dkimpy files are mostly LF). */
    static byte[] crlf(String relative) {
        return text(relative).replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Owner name (no trailing dot) to the joined TXT value, from a zone file of {@code name IN TXT ( "..." )} records. */
    static Map<String, String> zone(String relative) {
        Map<String, String> records = new LinkedHashMap<>();
        Matcher record = Pattern.compile("(?m)^(\\S+)\\s+IN\\s+TXT\\s*\\(([^)]*)\\)").matcher(text(relative));
        while (record.find()) {
            StringBuilder value = new StringBuilder();
            Matcher string = Pattern.compile("\"([^\"]*)\"").matcher(record.group(2));
            while (string.find()) {
                value.append(string.group(1));
            }
            records.put(record.group(1).replaceAll("\\.$", ""), value.toString());
        }
        return records;
    }

    /** dkimpy's {@code dns-records.json} "records" map, with {@code file:} values read. */
    static Map<String, String> dkimpyRecords() {
        String json = text("dkimpy/dns-records.json");
        String block = json.substring(json.indexOf("\"records\""), json.indexOf("\"negative_key_records\""));
        Map<String, String> records = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("\"([^\"]+)\":\\s*\"([^\"]*)\"").matcher(block);
        while (entry.find()) {
            String value = entry.group(2);
            if (value.startsWith("file:")) {
                value = text("dkimpy/" + value.substring(5)).strip();
            }
            records.put(entry.group(1), value);
        }
        return records;
    }

    /** A PKCS#1 {@code BEGIN RSA PRIVATE KEY} file (the RFC and dkimpy keys), wrapped into PKCS#8. */
    static PrivateKey pkcs1(String relative) {
        String pem = text(relative);
        String body = pem.substring(pem.indexOf('\n', pem.indexOf("BEGIN RSA PRIVATE KEY")) + 1,
                pem.indexOf("-----END RSA PRIVATE KEY"));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Der.rsaPkcs8(Base64.getMimeDecoder().decode(body))));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(relative, e);
        }
    }

    /** An Ed25519 private key from a base64 32-octet seed file. */
    static PrivateKey ed25519Seed(String relative) {
        byte[] seed = Base64.getDecoder().decode(text(relative).strip());
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(
                    new PKCS8EncodedKeySpec(Der.concat(Der.ED25519_PKCS8_PREFIX, seed)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(relative, e);
        }
    }
}
