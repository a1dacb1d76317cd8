package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.model.DomainName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random messages (folded, oddly spaced, mixed-case, 8-bit and UTF-8 headers; empty bodies, bodies
 * without a final CRLF, trailing blank lines) signed by {@link DkimSigner} verify with
 * {@link DkimVerifier}; relaxed-tolerated edits keep them passing and a changed signed value fails.
 * Seeded and bounded.
 */
class SignVerifyPropertyTest {

    private static final int MESSAGES = 150;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final DomainName DOMAIN = DomainName.parse("app.example.test");
    private static final List<String> NAMES = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID",
            "Reply-To", "MIME-Version", "Content-Type", "X-Mailer", "Received");
    private static final String[] WORDS = {"hello", "wörld", "\u2603", "a", "=?utf-8?q?x?=", "<id@x>", "\u00e9t\u00e9",
        "(comment)", "\"quoted  text\"", "x:y", "1;2"};

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "ED25519"})
    void randomMessagesRoundTrip(String type) {
        KeyPair keys = type.equals("RSA") ? TestKeys.RSA : TestKeys.ED25519;
        DkimSigner signer = new DkimSigner(DOMAIN, "nexx", keys.getPrivate(), CLOCK);
        DkimVerifier verifier = new DkimVerifier(KeyRecordSource.of(Map.of("nexx._domainkey.app.example.test",
                DkimKeys.txtRecord(DOMAIN, "nexx", keys.getPublic()).value())), CLOCK);
        Random random = new Random(type.hashCode());
        for (int i = 0; i < MESSAGES; i++) {
            Message message = randomMessage(random);
            String field = signer.sign(message.bytes());
            byte[] signed = concat(field.getBytes(StandardCharsets.US_ASCII), message.bytes());

            assertThat(verifier.verify(signed)).as("message %d:%n%s", i, message.text())
                    .singleElement().isInstanceOf(DkimResult.Pass.class);

            // Relaxed canonicalization tolerates name case and whitespace changes in the header.
            String tolerated = message.text().replace("From:", "FROM:  ").replace("Subject:", "subject:\t");
            assertThat(verifier.verify(concat(field.getBytes(StandardCharsets.US_ASCII), latin1(tolerated))))
                    .as("relaxed edit of message %d", i).singleElement().isInstanceOf(DkimResult.Pass.class);

            // A changed From value is caught.
            String changed = message.text().replace("<app@app.example.test>", "<evil@app.example.test>");
            assertThat(verifier.verify(concat(field.getBytes(StandardCharsets.US_ASCII), latin1(changed))))
                    .as("changed From in message %d", i).singleElement().isInstanceOf(DkimResult.Fail.class);
        }
    }

    private record Message(String text) {
        byte[] bytes() {
            return latin1(text);
        }
    }

    /** Header text is built from UTF-8 octets held one per char, so the octets survive unchanged. */
    private static Message randomMessage(Random random) {
        StringBuilder text = new StringBuilder();
        int fields = 1 + random.nextInt(8);
        int fromAt = random.nextInt(fields);
        for (int f = 0; f < fields; f++) {
            String name = f == fromAt ? "From" : NAMES.get(random.nextInt(NAMES.size()));
            if (random.nextInt(4) == 0) {
                name = random.nextBoolean() ? name.toUpperCase(java.util.Locale.ROOT) : name.toLowerCase(java.util.Locale.ROOT);
            }
            text.append(name).append(random.nextInt(5) == 0 ? " :" : ":");
            int words = random.nextInt(6);
            for (int w = 0; w < words; w++) {
                text.append(whitespace(random, true)).append(utf8Octets(WORDS[random.nextInt(WORDS.length)]));
            }
            if (random.nextInt(6) == 0) {
                text.append(latin1Octet(random)); // raw 8-bit, not UTF-8
            }
            if (f == fromAt) {
                text.append(whitespace(random, true)).append("<app@app.example.test>");
            }
            text.append(random.nextInt(4) == 0 ? " \t" : "").append("\r\n");
        }
        text.append("\r\n");
        int lines = random.nextInt(5);
        for (int l = 0; l < lines; l++) {
            int words = random.nextInt(5);
            for (int w = 0; w < words; w++) {
                text.append(whitespace(random, false)).append(utf8Octets(WORDS[random.nextInt(WORDS.length)]));
            }
            text.append(random.nextInt(5) == 0 ? "  " : "").append("\r\n");
        }
        if (random.nextInt(3) == 0) {
            text.append("no final CRLF");
        }
        return new Message(text.toString());
    }

    /** Before a header word: sometimes a fold (CRLF then WSP), sometimes runs of spaces and tabs. */
    private static String whitespace(Random random, boolean mayFold) {
        return switch (random.nextInt(5)) {
            case 0 -> mayFold ? "\r\n " : " ";
            case 1 -> mayFold ? "\r\n\t  " : "\t";
            case 2 -> "  \t ";
            default -> " ";
        };
    }

    private static String utf8Octets(String word) {
        return new String(word.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static char latin1Octet(Random random) {
        return (char) (0xa0 + random.nextInt(0x60));
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
