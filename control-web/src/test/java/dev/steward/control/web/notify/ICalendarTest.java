package dev.steward.control.web.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ICalendarTest {

    private static final Instant START = Instant.parse("2026-12-07T06:00:00Z");

    @Test
    void escape_backslashSemicolonCommaAndEveryKindOfLineBreak() {
        assertThat(ICalendar.escape("a\\b;c,d")).isEqualTo("a\\\\b\\;c\\,d");
        assertThat(ICalendar.escape("one\ntwo\r\nthree\rfour")).isEqualTo("one\\ntwo\\nthree\\nfour");
        assertThat(ICalendar.escape("\r\n\r\n")).isEqualTo("\\n\\n");
        // A backslash before n stays a backslash: "\n" literally is two characters, escaped apart.
        assertThat(ICalendar.escape("C:\\new")).isEqualTo("C:\\\\new");
        // Control characters are not allowed in TEXT; a tab is.
        assertThat(ICalendar.escape("a\u0000b\u0007c\td\u007f")).isEqualTo("abc\td");
        assertThat(ICalendar.escape("geüpdatet: ok")).isEqualTo("geüpdatet: ok");
        assertThat(ICalendar.escape("")).isEmpty();
    }

    @Test
    void fold_keepsLinesOf75Octets_andContinuesWithASpace() {
        String exact = "S".repeat(75);
        assertThat(ICalendar.fold(exact)).isEqualTo(exact + "\r\n");
        String longer = "S".repeat(76);
        assertThat(ICalendar.fold(longer)).isEqualTo("S".repeat(75) + "\r\n S\r\n");
        String veryLong = "x".repeat(300);
        String folded = ICalendar.fold(veryLong);
        assertThat(physicalLines(folded)).allSatisfy(line -> assertThat(octets(line)).isLessThanOrEqualTo(75));
        assertThat(physicalLines(folded).get(1)).isEqualTo(" " + "x".repeat(74));
        assertThat(unfold(folded)).isEqualTo(veryLong + "\r\n");
        assertThat(ICalendar.fold("")).isEqualTo("\r\n");
    }

    @Test
    void fold_neverSplitsAUtf8Sequence() throws Exception {
        // 74 ASCII octets then a two-octet é: it would straddle octet 75, so it moves to the next line.
        String line = "D".repeat(74) + "é" + "z";
        List<String> lines = physicalLines(ICalendar.fold(line));
        assertThat(lines).containsExactly("D".repeat(74), " éz");
        // Four-octet characters (outside the BMP, two Java chars) and three-octet ones, at every offset.
        for (int prefix = 60; prefix < 80; prefix++) {
            String text = "p".repeat(prefix) + "😀€é😀€é😀€é😀€é😀€é😀€é😀€é😀€é😀€é";
            byte[] wire = ICalendar.fold(text).getBytes(StandardCharsets.UTF_8);
            int lineStart = 0;
            for (int i = 0; i + 1 < wire.length; i++) {
                if (wire[i] == '\r' && wire[i + 1] == '\n') {
                    assertThat(i - lineStart).isLessThanOrEqualTo(75);
                    // Each physical line is whole UTF-8 on its own: no sequence was cut by a fold.
                    strictUtf8(java.util.Arrays.copyOfRange(wire, lineStart, i));
                    lineStart = i + 2;
                }
            }
            assertThat(lineStart).isEqualTo(wire.length);
            assertThat(unfold(strictUtf8(wire))).isEqualTo(text + "\r\n");
        }
    }

    @Test
    void write_aCalendarWithUtcTimes_crlfOnly_andEscapedFoldedText() {
        String description = "Nieuw: rapporten, export; pad C:\\data\nStappen vooraf:\n- back-up maken";
        String calendar = ICalendar.write(MaintenanceNoticeMessage.PRODID, "Onderhoud, Klant", Instant.parse(
                "2026-11-30T10:15:30.123Z"), List.of(new ICalendar.Event("release-7-customer-3@hosting.example",
                START, START.plusSeconds(7200), "Update App naar 2.0.0", description + " " + "é".repeat(80), 2)));

        assertThat(calendar).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Steward//Maintenance calendar//EN\r\n"
                + "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Onderhoud\\, Klant\r\nBEGIN:VEVENT\r\n");
        assertThat(calendar).endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n");
        assertThat(calendar.replace("\r\n", "")).doesNotContain("\n", "\r");
        String unfolded = unfold(calendar);
        assertThat(unfolded).contains("\r\nUID:release-7-customer-3@hosting.example\r\n",
                "\r\nDTSTAMP:20261130T101530Z\r\n", "\r\nDTSTART:20261207T060000Z\r\n",
                "\r\nDTEND:20261207T080000Z\r\n", "\r\nSEQUENCE:2\r\n", "\r\nSUMMARY:Update App naar 2.0.0\r\n",
                "\r\nDESCRIPTION:Nieuw: rapporten\\, export\\; pad C:\\\\data\\nStappen vooraf:\\n- back-up maken "
                        + "é".repeat(80) + "\r\n");
        assertThat(physicalLines(calendar)).allSatisfy(line -> assertThat(octets(line)).isLessThanOrEqualTo(75));
    }

    @Test
    void event_needsAnOrderedRangeAndAUid() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ICalendar.Event("x@y", START, START, "s", "", null));
        assertThatIllegalArgumentException().isThrownBy(() -> new ICalendar.Event("x\r\ny", START, START.plusSeconds(1),
                "s", "", null));
        assertThat(ICalendar.utc(Instant.parse("2027-03-29T03:00:00.999Z"))).isEqualTo("20270329T030000Z");
    }

    static List<String> physicalLines(String text) {
        assertThat(text).endsWith("\r\n");
        return List.of(text.substring(0, text.length() - 2).split("\r\n", -1));
    }

    static String unfold(String text) {
        return text.replace("\r\n ", "");
    }

    private static int octets(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
