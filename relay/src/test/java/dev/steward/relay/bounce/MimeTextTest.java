package dev.steward.relay.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MimeTextTest {

    @Test
    void wrap_breaksAtSpaces_indentsContinuations() {
        assertThat(MimeText.wrap("aaa bbb ccc ddd", 8, "  ")).containsExactly("aaa bbb", "  ccc", "  ddd");
        assertThat(MimeText.wrap("short", 76, "    ")).containsExactly("short");
        assertThat(MimeText.wrap("", 76, "")).containsExactly("");
        assertThat(MimeText.wrap("x".repeat(100) + " y", 76, "")).containsExactly("x".repeat(100), "y");
    }

    @Test
    void field_short_oneLine() {
        assertThat(MimeText.field("Status", "5.1.1")).isEqualTo("Status: 5.1.1\r\n");
    }

    @Test
    void field_long_foldedBeforeSpaces_unfoldsToTheValue() {
        String value = "smtp; 550 5.1.1 " + "word ".repeat(40).strip();

        String folded = MimeText.field("Diagnostic-Code", value);

        assertThat(folded.replace("\r\n ", " ")).isEqualTo("Diagnostic-Code: " + value + "\r\n");
        for (String line : folded.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
        assertThat(folded).doesNotStartWith("Diagnostic-Code:\r\n");
    }

    @ParameterizedTest(name = "{0} characters without spaces")
    @ValueSource(ints = {90, 996, 997, 998, 999, 2500, 5000})
    void field_hugeWord_everyLineAtMost998(int length) {
        String folded = MimeText.field("Diagnostic-Code", "smtp; " + "x".repeat(length) + " end");

        for (String line : folded.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
            assertThat(line).isNotBlank();
        }
        assertThat(folded).endsWith(" end\r\n");
        assertThat(folded.replace("\r\n", "").replace(" ", "")).isEqualTo("Diagnostic-Code:smtp;" + "x".repeat(length) + "end");
    }

    @Test
    void ascii_replacesEverythingElse() {
        assertThat(MimeText.ascii("déjà\tvu\u0000!")).isEqualTo("d?j??vu?!");
    }

    @Test
    void is7bit_rules() {
        assertThat(MimeText.is7bit("a\r\nb\r\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(MimeText.is7bit("a\nb".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(MimeText.is7bit("a\rb".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(MimeText.is7bit("a\r".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(MimeText.is7bit("ä".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(MimeText.is7bit(new byte[] {'a', 0})).isFalse();
        assertThat(MimeText.is7bit(("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(MimeText.is7bit(("x".repeat(999) + "\r\n").getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void quotedPrintable_knownCases() {
        assertThat(qp("Björn = 1\r\n")).isEqualTo("Bj=C3=B6rn =3D 1\r\n");
        assertThat(qp("trailing space \r\ntab\t\r\n")).isEqualTo("trailing space=20\r\ntab=09\r\n");
        assertThat(qp("bare\nLF and CR\r here\r\n")).isEqualTo("bare=0ALF and CR=0D here\r\n");
        assertThat(qp("x".repeat(80) + "\r\n")).isEqualTo("x".repeat(75) + "=\r\n" + "x".repeat(5) + "\r\n");
        assertThat(qp("x".repeat(76) + "\r\n")).isEqualTo("x".repeat(76) + "\r\n");
        assertThat(qp("no final newline")).isEqualTo("no final newline");
    }

    /** Random bytes, with CRLF, bare CR/LF, spaces at line ends and long lines: decoding gives the input back. */
    @Test
    void quotedPrintable_randomInput_roundTrips() {
        Random random = new Random(20261128);
        byte[] alphabet = {'a', 'Z', ' ', '\t', '=', '.', '\r', '\n', (byte) 0xc3, (byte) 0xa4, 0, (byte) 0xff, '-'};
        for (int round = 0; round < 500; round++) {
            byte[] input = new byte[random.nextInt(400)];
            for (int i = 0; i < input.length; i++) {
                input[i] = random.nextInt(10) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('a' + random.nextInt(26));
                if (random.nextInt(40) == 0 && i + 1 < input.length) {
                    input[i++] = '\r';
                    input[i] = '\n';
                }
            }
            byte[] encoded = MimeText.quotedPrintable(input);

            assertThat(MimeText.is7bit(encoded)).isTrue();
            assertThat(NoticeParser.decodeQuotedPrintable(new String(encoded, StandardCharsets.US_ASCII)))
                    .as("round %d", round).isEqualTo(input);
        }
    }

    @Test
    void address_asciiAndUtf8Forms() {
        assertThat(DeliveryStatusFields.address("bob@example.org")).isEqualTo("rfc822; bob@example.org");
        assertThat(DeliveryStatusFields.address("\"john doe\"@example.org")).isEqualTo("rfc822; \"john doe\"@example.org");
        assertThat(DeliveryStatusFields.address("bjørn+x=y@bücher.example"))
                .isEqualTo("utf-8; bj\\x{F8}rn\\x{2B}x\\x{3D}y@b\\x{FC}cher.example");
        assertThat(DeliveryStatusFields.address("\u6d4b\u8bd5@example.org")).isEqualTo("utf-8; \\x{6D4B}\\x{8BD5}@example.org");
    }

    private static String qp(String text) {
        return new String(MimeText.quotedPrintable(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
    }
}
