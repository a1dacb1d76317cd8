package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeFileTest {

    private static final QueueId ID = QueueId.parse("0MIHX3Q8G0000AB");

    private static EnvelopeFile sample() {
        return new EnvelopeFile(ID, "app@app.example.test", TestMessages.ARRIVAL, "web1[192.0.2.10]", "web1",
                true, "8BITMIME", null, 1234, 2, "host mx.example.org said: 451 try later",
                List.of(new RecipientState("bob@example.org", "pending", "451 try later"),
                        new RecipientState("ann@example.org", "sent", null)));
    }

    @Test
    void encode_thenDecode_sameRecord() throws Exception {
        assertThat(EnvelopeFile.decode(sample().encode(), ID)).isEqualTo(sample());
    }

    @Test
    void encode_formatFirstEndLast() {
        String text = new String(sample().encode(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\n  \"format\" : 1,\n").endsWith("  \"end\" : true\n}\n");
        assertThat(text).contains("\"recipients\"", "\"last_failure\" : \"451 try later\"", "\"message_id\" : null");
    }

    @Test
    void decode_everyTruncation_isCorrupt() {
        byte[] full = sample().encode();
        // Any prefix that loses the closing brace (the newline after it is optional) is refused.
        for (int length = 0; length < full.length - 1; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> EnvelopeFile.decode(prefix, ID)).as("prefix of %d bytes", length)
                    .isInstanceOf(CorruptQueueFileException.class);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "garbage                                                  | not valid JSON",
        "[1, 2]                                                   | not a JSON object",
        "{\"id\": \"0MIHX3Q8G0000AB\", \"end\": true}            | no \"format\" field",
        "{\"format\": 2, \"end\": true}                          | unsupported format 2",
        "{\"format\": 1, \"id\": \"0MIHX3Q8G0000AB\"}            | no end marker",
        "{\"format\": 1, \"end\": true, \"id\": \"0MIHX3Q8G0000AB\"} | no end marker",
        "{\"format\": 1, \"end\": false}                         | no end marker",
        "{\"format\": 1, \"id\": \"0MIHX3Q8G0000XX\", \"end\": true} | does not match the file name",
        "{\"format\": 1, \"id\": \"0MIHX3Q8G0000AB\", \"end\": true} | no recipients",
        "{\"format\": 1, \"end\": true} {}                        | not valid JSON",
    })
    void decode_badFile_isCorruptWithReason(String text, String reason) {
        assertThatThrownBy(() -> EnvelopeFile.decode(text.strip().getBytes(StandardCharsets.UTF_8), ID))
                .isInstanceOf(CorruptQueueFileException.class).hasMessageContaining(reason);
    }

    @Test
    void decode_unknownFields_ignored() throws Exception {
        String text = new String(sample().encode(), StandardCharsets.UTF_8)
                .replace("\"attempts\" : 2,", "\"attempts\" : 2, \"priority\" : \"bulk\",");
        assertThat(EnvelopeFile.decode(text.getBytes(StandardCharsets.UTF_8), ID)).isEqualTo(sample());
    }
}
