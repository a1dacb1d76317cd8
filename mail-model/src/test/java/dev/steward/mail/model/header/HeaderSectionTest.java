package dev.steward.mail.model.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderSectionTest {

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("simple",
                        "From: a@app.example.test\r\nTo: b@example.test\r\n\r\nbody\r\n",
                        List.of(new HeaderField("From", "a@app.example.test"), new HeaderField("To", "b@example.test")),
                        46, 48),
                Arguments.of("folded with space and tab, value unfolded keeping the whitespace",
                        "Subject: one\r\n two\r\n\tthree\r\n\r\n",
                        List.of(new HeaderField("Subject", "one two\tthree")),
                        28, 30),
                Arguments.of("no space after colon, several spaces stripped, trailing kept",
                        "X-A:v\r\nX-B:   w  \r\n\r\n",
                        List.of(new HeaderField("X-A", "v"), new HeaderField("X-B", "w  ")),
                        19, 21),
                Arguments.of("empty value and value that is only a fold",
                        "X-Empty:\r\nX-Fold:\r\n next\r\n\r\n",
                        List.of(new HeaderField("X-Empty", ""), new HeaderField("X-Fold", "next")),
                        26, 28),
                Arguments.of("no empty line: the whole input is header",
                        "From: a@app.example.test\r\nSubject: hi\r\n",
                        List.of(new HeaderField("From", "a@app.example.test"), new HeaderField("Subject", "hi")),
                        39, 39),
                Arguments.of("last line without CRLF",
                        "Subject: hi",
                        List.of(new HeaderField("Subject", "hi")),
                        11, 11),
                Arguments.of("empty header section: the message starts with the empty line",
                        "\r\nbody\r\n",
                        List.of(),
                        0, 2),
                Arguments.of("empty input",
                        "",
                        List.of(),
                        0, 0),
                Arguments.of("only the first empty line ends the header; colons in the body are body",
                        "A: 1\r\n\r\nB: 2\r\n\r\nC: 3\r\n",
                        List.of(new HeaderField("A", "1")),
                        6, 8),
                Arguments.of("UTF-8 header (RFC 6532)",
                        "Subject: Grüße\r\nFrom: bjørn@bücher.example\r\n\r\n",
                        List.of(new HeaderField("Subject", "Grüße"), new HeaderField("From", "bjørn@bücher.example")),
                        48, 50), // header bytes, not characters: ü, ß, ø are two octets each
                Arguments.of("field names keep their case and may contain any printable ASCII but colon",
                        "mESSAGE-id: <x@y>\r\nX-{odd}!: 1\r\n\r\n",
                        List.of(new HeaderField("mESSAGE-id", "<x@y>"), new HeaderField("X-{odd}!", "1")),
                        32, 34),
                Arguments.of("colon inside the value",
                        "Subject: re: re: hi\r\n\r\n",
                        List.of(new HeaderField("Subject", "re: re: hi")),
                        21, 23));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void parse_wellFormed_fieldsAndOffsets(String description, String message, List<HeaderField> fields,
            int headerLength, int bodyOffset) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);

        HeaderSection header = HeaderSection.parse(bytes, bytes.length);

        assertThat(header.fields()).containsExactlyElementsOf(fields);
        assertThat(header.headerLength()).isEqualTo(headerLength);
        assertThat(header.bodyOffset()).isEqualTo(bodyOffset);
        assertThat(header.malformed()).isFalse();
        assertThat(header.malformedReason()).isNull();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("starts with a continuation line",
                        " folded: x\r\nFrom: a@b.test\r\n\r\n",
                        "the header section starts with a continuation line",
                        List.of(new HeaderField("From", "a@b.test"))),
                Arguments.of("line without colon",
                        "From: a@b.test\r\nnot a header\r\nTo: c@d.test\r\n\r\n",
                        "header line 2 is neither a header field (name:) nor a continuation",
                        List.of(new HeaderField("From", "a@b.test"), new HeaderField("To", "c@d.test"))),
                Arguments.of("space before the colon (obs-optional is refused)",
                        "Subject : hi\r\n\r\n",
                        "header line 1 is neither a header field (name:) nor a continuation",
                        List.of()),
                Arguments.of("empty field name",
                        ": hi\r\n\r\n",
                        "header line 1 is neither a header field (name:) nor a continuation",
                        List.of()),
                Arguments.of("non-ASCII in the field name",
                        "Sübject: hi\r\n\r\n",
                        "header line 1 is neither a header field (name:) nor a continuation",
                        List.of()),
                Arguments.of("a continuation after a bad line does not join the field before it",
                        "A: 1\r\nbad\r\n more\r\n\r\n",
                        "header line 2 is neither a header field (name:) nor a continuation",
                        List.of(new HeaderField("A", "1"))),
                Arguments.of("bare LF inside a field",
                        "Subject: a\nBcc: x@y.test\r\n\r\n",
                        "header line 1 contains a bare LF",
                        List.of(new HeaderField("Subject", "a\nBcc: x@y.test"))),
                Arguments.of("bare CR inside a field",
                        "Subject: a\rb\r\n\r\n",
                        "header line 1 contains a bare CR",
                        List.of(new HeaderField("Subject", "a\rb"))),
                Arguments.of("NUL inside a field",
                        "Subject: a\u0000b\r\n\r\n",
                        "header line 1 contains a NUL character",
                        List.of(new HeaderField("Subject", "a\u0000b"))),
                Arguments.of("only the first problem is reported",
                        "bad one\r\nbad two\r\n\r\n",
                        "header line 1 is neither a header field (name:) nor a continuation",
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void parse_malformed_flaggedWithReason_validFieldsStillListed(String description, String message,
            String reason, List<HeaderField> fields) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);

        HeaderSection header = HeaderSection.parse(bytes, bytes.length);

        assertThat(header.malformed()).isTrue();
        assertThat(header.malformedReason()).isEqualTo(reason);
        assertThat(header.fields()).containsExactlyElementsOf(fields);
    }

    @Test
    void parse_invalidUtf8_decodedAsLatin1_neverFails() {
        byte[] bytes = {'S', 'u', 'b', 'j', 'e', 'c', 't', ':', ' ', (byte) 0xe9, 't', (byte) 0xff, '\r', '\n',
            '\r', '\n', (byte) 0xc3};

        HeaderSection header = HeaderSection.parse(bytes, bytes.length);

        assertThat(header.fields()).containsExactly(new HeaderField("Subject", "\u00e9t\u00ff"));
        assertThat(header.headerLength()).isEqualTo(14);
        assertThat(header.bodyOffset()).isEqualTo(16);
        assertThat(header.malformed()).isFalse();
    }

    @Test
    void parse_onlyFirstLengthBytesAreRead() {
        byte[] bytes = "A: 1\r\nB: 2\r\n\r\ngarbage beyond length".getBytes(StandardCharsets.US_ASCII);

        HeaderSection header = HeaderSection.parse(bytes, 6);

        assertThat(header.fields()).containsExactly(new HeaderField("A", "1"));
        assertThat(header.headerLength()).isEqualTo(6);
        assertThat(header.bodyOffset()).isEqualTo(6);
    }

    @Test
    void allAndHas_ignoreCase_keepOrder() {
        byte[] bytes = "Received: one\r\nFrom: a@b.test\r\nRECEIVED: two\r\nreceived: three\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);

        HeaderSection header = HeaderSection.parse(bytes, bytes.length);

        assertThat(header.all("received")).extracting(HeaderField::value).containsExactly("one", "two", "three");
        assertThat(header.all("FROM")).containsExactly(new HeaderField("From", "a@b.test"));
        assertThat(header.all("Sender")).isEmpty();
        assertThat(header.has("from")).isTrue();
        assertThat(header.has("Sender")).isFalse();
    }
}
