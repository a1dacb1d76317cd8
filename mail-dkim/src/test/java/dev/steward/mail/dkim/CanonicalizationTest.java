package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 §3.4 canonicalization, as tables; "\r", "\n", "\t" are written as "&lt;CR&gt;"-free escapes. */
class CanonicalizationTest {

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // raw field                          | simple                         | relaxed
        "'A: X\\r\\n'                          | 'A: X\\r\\n'                   | 'a:X\\r\\n'",
        "'B : Y\\t\\r\\n\\tZ  \\r\\n'          | 'B : Y\\t\\r\\n\\tZ  \\r\\n'   | 'b:Y Z\\r\\n'",
        "'SUBJECT:   two  words\\t\\r\\n'      | 'SUBJECT:   two  words\\t\\r\\n' | 'subject:two words\\r\\n'",
        "'X-Empty:\\r\\n'                      | 'X-Empty:\\r\\n'               | 'x-empty:\\r\\n'",
        "'X-Empty:   \\r\\n'                   | 'X-Empty:   \\r\\n'            | 'x-empty:\\r\\n'",
        "'X-Fold: a\\r\\n b\\r\\n\\t c\\r\\n'  | 'X-Fold: a\\r\\n b\\r\\n\\t c\\r\\n' | 'x-fold:a b c\\r\\n'",
        "'X-Colon: a:b : c\\r\\n'              | 'X-Colon: a:b : c\\r\\n'       | 'x-colon:a:b : c\\r\\n'",
        "'X-No-CRLF: v'                        | 'X-No-CRLF: v\\r\\n'           | 'x-no-crlf:v\\r\\n'",
    })
    void headerFields(String raw, String simple, String relaxed) {
        assertThat(Canonicalization.SIMPLE.header(unescape(raw))).isEqualTo(unescape(simple));
        assertThat(Canonicalization.RELAXED.header(unescape(raw))).isEqualTo(unescape(relaxed));
    }

    @Test
    void eightBitHeaderOctetsPassUnchanged() {
        String utf8 = new String("Subject:  Caf\u00e9  \u2603\r\n".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        String relaxed = Canonicalization.RELAXED.header(utf8);

        assertThat(relaxed.getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo("subject:Caf\u00e9 \u2603\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // body                               | simple                  | relaxed
        "''                                   | '\\r\\n'                | ''",
        "'\\r\\n'                             | '\\r\\n'                | ''",
        "'\\r\\n\\r\\n\\r\\n'                 | '\\r\\n'                | ''",
        "'a'                                  | 'a\\r\\n'               | 'a\\r\\n'",
        "'a\\r\\n'                            | 'a\\r\\n'               | 'a\\r\\n'",
        "'a\\r\\n\\r\\n\\r\\n'                | 'a\\r\\n'               | 'a\\r\\n'",
        "'\\r\\n\\r\\na\\r\\n'                | '\\r\\n\\r\\na\\r\\n'   | '\\r\\n\\r\\na\\r\\n'",
        "'a  b\\t\\tc \\r\\n'                 | 'a  b\\t\\tc \\r\\n'    | 'a b c\\r\\n'",
        "' \\t \\r\\nx\\r\\n'                 | ' \\t \\r\\nx\\r\\n'    | '\\r\\nx\\r\\n'",
        "'x\\r\\n \\t\\r\\n'                  | 'x\\r\\n \\t\\r\\n'     | 'x\\r\\n'",
        "' C \\r\\nD \\t E\\r\\n\\r\\n\\r\\n' | ' C \\r\\nD \\t E\\r\\n' | ' C\\r\\nD E\\r\\n'",
        "'bare\\rcr\\r\\n'                    | 'bare\\rcr\\r\\n'       | 'bare\\rcr\\r\\n'",
        "'ends in cr\\r'                      | 'ends in cr\\r\\r\\n'   | 'ends in cr\\r\\r\\n'",
    })
    void bodies(String body, String simple, String relaxed) {
        byte[] input = unescape(body).getBytes(StandardCharsets.ISO_8859_1);

        assertThat(new String(Canonicalization.SIMPLE.body(input), StandardCharsets.ISO_8859_1)).isEqualTo(unescape(simple));
        assertThat(new String(Canonicalization.RELAXED.body(input), StandardCharsets.ISO_8859_1)).isEqualTo(unescape(relaxed));
    }

    @Test
    void chunkingDoesNotChangeTheResult() {
        byte[] body = "line  one \r\n\r\n\tline two\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (Canonicalization canonicalization : Canonicalization.values()) {
            byte[] whole = canonicalization.body(body);
            for (int split = 0; split <= body.length; split++) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                BodyHasher hasher = new BodyHasher(canonicalization, -1, out::write);
                hasher.update(body, 0, split);
                hasher.update(body, split, body.length - split);
                hasher.finish();
                assertThat(out.toByteArray()).as("%s split at %d", canonicalization, split).isEqualTo(whole);
            }
        }
    }

    /** RFC 6376 §3.4.3 / §3.4.4 (canonicalization-examples.json, "empty_body"). */
    @ParameterizedTest
    @CsvSource({
        "SIMPLE,  frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=",
        "RELAXED, 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    })
    void emptyBodyHashes(Canonicalization canonicalization, String sha256) {
        MessageDigest digest = DkimAlgorithm.sha256();
        BodyHasher hasher = BodyHasher.into(canonicalization, -1, digest);
        hasher.finish();

        assertThat(Base64.getEncoder().encodeToString(digest.digest())).isEqualTo(sha256);
        assertThat(Vectors.text("rfc6376/canonicalization-examples.json")).contains(sha256);
    }

    /** The §3.4.5 example of canonicalization-examples.json, read from the file's JSON escapes. */
    @Test
    void rfc6376Section345Example() {
        String json = Vectors.text("rfc6376/canonicalization-examples.json");
        String message = jsonString(json, "\"message\": ");
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        RawHeaders headers = RawHeaders.parse(bytes, bytes.length);
        StringBuilder simple = new StringBuilder();
        StringBuilder relaxed = new StringBuilder();
        for (RawHeaders.Field field : headers.fields()) {
            simple.append(Canonicalization.SIMPLE.header(field.raw()));
            relaxed.append(Canonicalization.RELAXED.header(field.raw()));
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, headers.bodyOffset(), bytes.length);
        String relaxedBlock = json.substring(json.indexOf("\"relaxed\": {"));
        String simpleBlock = json.substring(json.indexOf("\"simple\": {"));

        assertThat(relaxed.toString()).isEqualTo(jsonString(relaxedBlock, "\"header\": "));
        assertThat(new String(Canonicalization.RELAXED.body(body), StandardCharsets.ISO_8859_1))
                .isEqualTo(jsonString(relaxedBlock, "\"body\": "));
        assertThat(simple.toString()).isEqualTo(jsonString(simpleBlock, "\"header\": "));
        assertThat(new String(Canonicalization.SIMPLE.body(body), StandardCharsets.ISO_8859_1))
                .isEqualTo(jsonString(simpleBlock, "\"body\": "));
    }

    private static String jsonString(String json, String key) {
        int start = json.indexOf(key) + key.length() + 1;
        int end = json.indexOf('"', start);
        return unescape(json.substring(start, end));
    }
}
