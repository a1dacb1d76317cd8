package dev.steward.smtp.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransportNeedsTest {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ascii everything        | a@x.test    | b@y.test    | 'Subject: hi\\r\\n\\r\\nbody\\r\\n'            | false | false | false
            8-bit body              | a@x.test    | b@y.test    | 'Subject: hi\\r\\n\\r\\ncaf\u00e9\\r\\n'       | true  | false | false
            UTF-8 subject           | a@x.test    | b@y.test    | 'Subject: caf\u00e9\\r\\n\\r\\nbody\\r\\n'     | true  | false | true
            UTF-8 folded header     | a@x.test    | b@y.test    | 'Subject: x\\r\\n caf\u00e9\\r\\n\\r\\nb\\r\\n' | true  | false | true
            UTF-8 sender            | j\u00f6rg@x.test | b@y.test | 'Subject: hi\\r\\n\\r\\nbody\\r\\n'          | false | true  | false
            UTF-8 recipient domain  | a@x.test    | b@b\u00fccher.test | 'S: x\\r\\n\\r\\nb\\r\\n'               | false | true  | false
            bare LF header end      | a@x.test    | b@y.test    | 'Subject: hi\\n\\ncaf\u00e9\\n'                 | true  | false | false
            no body                 | a@x.test    | b@y.test    | 'Subject: caf\u00e9\\r\\n'                     | true  | false | true
            null sender             | ''          | b@y.test    | 'S: x\\r\\n\\r\\nb\\r\\n'                       | false | false | false
            """)
    void scan_table(String name, String sender, String recipient, String message, boolean eightBit,
                    boolean utf8Envelope, boolean utf8Headers) throws IOException {
        byte[] bytes = message.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.UTF_8);
        TransportNeeds needs = TransportNeeds.scan(sender, List.of(recipient), new ByteArrayInputStream(bytes));
        assertThat(needs).isEqualTo(new TransportNeeds(eightBit, utf8Envelope, utf8Headers));
        assertThat(needs.smtpUtf8()).isEqualTo(utf8Envelope || utf8Headers);
    }
}
