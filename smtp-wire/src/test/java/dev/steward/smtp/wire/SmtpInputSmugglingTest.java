package dev.steward.smtp.wire;

import static dev.steward.smtp.wire.WireTestStreams.latin1;
import static dev.steward.smtp.wire.WireTestStreams.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed end-of-data sequence in {@code shared/conformance/smtp/smuggling-sequences.json}
 * (SMTP smuggling, CVE-2023-51764/5/6), in both bare-LF modes and with every way of splitting
 * reads: DATA ends only at the first real {@code <CR><LF>.<CR><LF>}, and the smuggled envelope is
 * never read as commands.
 */
class SmtpInputSmugglingTest {

    private static final String CONFORMANCE_FILE = "shared/conformance/smtp/smuggling-sequences.json";
    private static final String BEFORE = "Subject: x\r\n\r\nbody";
    private static final String SMUGGLED = "MAIL FROM:<evil@evil.test>\r\nRCPT TO:<victim@x.test>\r\nDATA\r\nsmuggled\r\n";
    private static final String AFTER = "\r\n.\r\n" + "QUIT\r\n";
    private static final DataLimits NORMALIZE = new DataLimits(1 << 20, 1000, BareLf.NORMALIZE);
    private static final DataLimits REJECT = new DataLimits(1 << 20, 1000, BareLf.REJECT);

    /**
     * What each sequence yields, {NORMALIZE, REJECT}: a {@link DataProblem} name or COMPLETE.
     * Pinned by notation so a change to the conformance file or to the reader is noticed.
     */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("<LF>.<LF>", List.of("NONSTANDARD_END_OF_DATA", "BARE_LF")),
            Map.entry("<LF>.<CR>", List.of("BARE_CR", "BARE_LF")),
            Map.entry("<CR>.<LF>", List.of("BARE_CR", "BARE_CR")),
            Map.entry("<CR>.<CR>", List.of("BARE_CR", "BARE_CR")),
            Map.entry("<LF>.<CR><LF>", List.of("NONSTANDARD_END_OF_DATA", "BARE_LF")),
            Map.entry("<CR><LF>.<LF>", List.of("NONSTANDARD_END_OF_DATA", "NONSTANDARD_END_OF_DATA")),
            Map.entry("<CR>.<CR><LF>", List.of("BARE_CR", "BARE_CR")),
            Map.entry("<CR><LF>.<CR>", List.of("BARE_CR", "BARE_CR")),
            // NUL is content: the dot line is not "." alone, so these are ordinary (odd) messages.
            Map.entry("<CR><LF><NUL>.<CR><LF>", List.of("COMPLETE", "COMPLETE")),
            Map.entry("<CR><LF>.<NUL><CR><LF>", List.of("COMPLETE", "COMPLETE")),
            Map.entry("<CR><LF>.<CR><CR><LF>", List.of("BARE_CR", "BARE_CR")),
            Map.entry("<CR><CR><LF>.<CR><LF>", List.of("BARE_CR", "BARE_CR")),
            Map.entry("<CR><CR><LF>.<CR><CR><LF>", List.of("BARE_CR", "BARE_CR")));

    /** The one sequence that itself contains {@code <CR><LF>.<CR><LF>}: see the test below. */
    private static final String CONTAINS_REAL_END = "<CR><CR><LF>.<CR><LF>";

    record Sequence(String notation, String value) {
        @Override
        public String toString() {
            return notation;
        }
    }

    static List<Sequence> sequences() {
        Path file = findConformanceFile();
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<Sequence> sequences = new ArrayList<>();
            for (JsonNode node : root.get("sequences")) {
                sequences.add(new Sequence(node.get("notation").asText(), node.get("value").asText()));
            }
            return sequences;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Walks up from the working directory; a missing file fails the test, it never skips it. */
    private static Path findConformanceFile() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(CONFORMANCE_FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(CONFORMANCE_FILE + " not found above " + Paths.get("").toAbsolutePath());
    }

    static Stream<Arguments> cases() {
        return sequences().stream().flatMap(sequence -> Stream.of(BareLf.values()).flatMap(mode ->
                Stream.of(WireTestStreams.Feed.values()).map(feed -> Arguments.of(sequence, mode, feed))));
    }

    @Test
    void conformanceFile_hasThirteenSequences_allPinned() {
        List<Sequence> sequences = sequences();
        assertThat(sequences).hasSize(13);
        assertThat(sequences.stream().map(Sequence::notation).collect(Collectors.toSet()))
                .isEqualTo(EXPECTED.keySet());
        // Only one sequence holds a real end-of-data; the test below relies on knowing which.
        assertThat(sequences.stream().filter(sequence -> sequence.value().contains("\r\n.\r\n")).map(Sequence::notation))
                .containsExactly(CONTAINS_REAL_END);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void readData_smugglingSequence_endsOnlyAtFirstRealEndOfData(Sequence sequence, BareLf mode,
            WireTestStreams.Feed feed) throws IOException {
        String stream = BEFORE + sequence.value() + SMUGGLED + AFTER;
        int realEnd = stream.indexOf("\r\n.\r\n") + 5;
        SmtpInput input = feed.open(octets(stream));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        DataResult result = WireTestStreams.data(input, mode == BareLf.NORMALIZE ? NORMALIZE : REJECT, sink);

        String expected = EXPECTED.get(sequence.notation()).get(mode.ordinal());
        if (expected.equals("COMPLETE")) {
            String content = latin1(sink);
            assertThat(result).isEqualTo(new DataResult.Complete(content.length(), false));
            // Exact content: the smuggled envelope is body text, and no line "." precedes it.
            assertThat(content).isEqualTo(referenceUnstuff(stream.substring(0, realEnd - 3)));
            assertThat(content).contains("\r\n" + SMUGGLED).doesNotContain("\n.\r\nMAIL FROM").doesNotContain("\n.\nMAIL FROM");
        } else {
            assertThat(result).isEqualTo(new DataResult.Refused(DataProblem.valueOf(expected), realEnd));
            assertThat(latin1(sink)).doesNotContain("MAIL FROM");
        }

        String next = WireTestStreams.line(input, 512);
        if (sequence.notation().equals(CONTAINS_REAL_END)) {
            // "body<CR><CR><LF>.<CR><LF>" holds a genuine <CR><LF>.<CR><LF>: RFC 5321 §4.1.1.4 ends the
            // data there for every receiver, and no dot-stuffing client can produce it from a line
            // "." (which is why SMTP-Smuggling-Tools reverted it). What follows is the client's own
            // next command; the message with the bare CR was refused, not delivered.
            assertThat(next).isEqualTo("MAIL FROM:<evil@evil.test>");
        } else {
            assertThat(next).isEqualTo("QUIT");
            assertThat(input.hasBufferedInput()).isFalse();
            assertThatThrownBy(() -> WireTestStreams.line(input, 512)).isInstanceOf(EOFException.class);
        }
    }

    /** An independent, obvious unstuffer for CRLF-only text: split, drop one leading dot, join. */
    private static String referenceUnstuff(String crlfText) {
        assertThat(crlfText).endsWith("\r\n");
        StringBuilder out = new StringBuilder();
        for (String line : crlfText.substring(0, crlfText.length() - 2).split("\r\n", -1)) {
            out.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        return out.toString();
    }
}
