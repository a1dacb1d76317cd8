package dev.steward.control.web.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MimeTest {

    @Test
    void quotedPrintable_asciiStays_restIsEncoded_andLinesBreakSoftlyAt76() {
        assertThat(Mime.quotedPrintable("Hallo,\nwereld")).isEqualTo("Hallo,\r\nwereld");
        assertThat(Mime.quotedPrintable("07:00–09:00 é = x")).isEqualTo("07:00=E2=80=9309:00 =C3=A9 =3D x");
        // A space or tab at the end of a line is encoded (it would be lost in transport).
        assertThat(Mime.quotedPrintable("end \nnext\t")).isEqualTo("end=20\r\nnext=09");
        String text = ("lange regel met geüpdatet en € " + "x".repeat(40) + " ").repeat(6) + "\r\nslot\rtot";
        String encoded = Mime.quotedPrintable(text);
        for (String line : encoded.split("\r\n", -1)) {
            assertThat(line.length()).isLessThanOrEqualTo(76);
            assertThat(line).matches("[\\x21-\\x7e ]*");
            // A soft break never cuts an =XX triplet: every '=' is one, or the soft break itself.
            for (int i = line.indexOf('='); i >= 0; i = line.indexOf('=', i + 1)) {
                assertThat(i == line.length() - 1 || line.substring(i + 1, i + 3).matches("[0-9A-F]{2}"))
                        .as(line).isTrue();
            }
        }
        assertThat(ParsedNotice.decodeQuotedPrintable(encoded)).isEqualTo(text.replace("\r\n", "\n")
                .replace('\r', '\n').replace("\n", "\r\n"));
    }

    @Test
    void quotedPrintable_everyLengthAroundTheLimit_roundTrips() {
        for (int n = 70; n < 160; n++) {
            for (String tail : List.of("é", "=", " ", "😀")) {
                String text = "a".repeat(n) + tail + "b".repeat(n % 7);
                String encoded = Mime.quotedPrintable(text);
                assertThat(encoded.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
                assertThat(ParsedNotice.decodeQuotedPrintable(encoded)).isEqualTo(text);
            }
        }
    }

    @Test
    void headerText_asciiAsItIs_otherwiseEncodedWordsOfWholeCharacters() throws Exception {
        assertThat(Mime.header("Subject", "Planned maintenance: App 2.0.0"))
                .isEqualTo("Subject: Planned maintenance: App 2.0.0");
        String longAscii = "Gepland onderhoud: update van Nextcloud naar versie 28.0.0 op maandag 7 december 2026";
        String folded = Mime.header("Subject", longAscii);
        assertThat(folded.split("\r\n")).hasSize(2).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(folded.replace("\r\n", "")).isEqualTo("Subject: " + longAscii);
        String subject = "Gepland onderhoud: update van Café Ünïcode 😀 naar versie 2.0.0 op maandag 7 december 2026 – "
                + "é".repeat(40);
        String field = Mime.header("Subject", subject);
        assertThat(field).startsWith("Subject: =?UTF-8?B?");
        String encoded = field.substring("Subject: ".length());
        Matcher word = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=").matcher(encoded);
        int words = 0;
        while (word.find()) {
            words++;
            assertThat(word.group().length()).isLessThanOrEqualTo(75);
            // Each word holds whole characters: it decodes strictly on its own.
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(word.group(1))));
        }
        assertThat(words).isGreaterThan(2);
        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(ParsedNotice.decodeWords(encoded)).isEqualTo(subject);
        // A line break in a header value would start a new header: it becomes a space.
        assertThat(ParsedNotice.decodeWords(Mime.header("Subject", "é\r\nBcc: x@y.example").substring(9))).isEqualTo("é  Bcc: x@y.example");
    }

    @Test
    void addressList_foldsAfterACommaBefore78() {
        List<String> many = List.of("it@klant.example", "boss@klant.example", "finance.department@klant.example",
                "another.long.address@subdomain.klant.example", "x@y.example");
        String value = Mime.addressList(many, 4);
        assertThat(("To: " + value).split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(value.replace("\r\n", "")).isEqualTo(String.join(", ", many));
        assertThat(Mime.addressList(List.of("a@b.example"), 4)).isEqualTo("a@b.example");
    }
}
