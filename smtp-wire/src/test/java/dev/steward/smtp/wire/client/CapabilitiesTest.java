package dev.steward.smtp.wire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.smtp.wire.SmtpReply;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilitiesTest {

    private static Capabilities ehlo(String... extensionLines) {
        String[] lines = new String[extensionLines.length + 1];
        lines[0] = "mx.test Hello";
        System.arraycopy(extensionLines, 0, lines, 1, extensionLines.length);
        return Capabilities.fromEhlo(SmtpReply.of(250, null, lines));
    }

    /** One EHLO line each; expected: pipelining, startTls, 8bitmime, smtputf8, enhanced, size, sizeLimit, auth. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            PIPELINING             | true  | false | false | false | false | false | 0        | ''
            pipelining             | true  | false | false | false | false | false | 0        | ''
            STARTTLS               | false | true  | false | false | false | false | 0        | ''
            8BITMIME               | false | false | true  | false | false | false | 0        | ''
            SMTPUTF8               | false | false | false | true  | false | false | 0        | ''
            ENHANCEDSTATUSCODES    | false | false | false | false | true  | false | 0        | ''
            SIZE 35882577          | false | false | false | false | false | true  | 35882577 | ''
            SIZE                   | false | false | false | false | false | true  | 0        | ''
            SIZE 0                 | false | false | false | false | false | true  | 0        | ''
            SIZE lots              | false | false | false | false | false | true  | -1       | ''
            AUTH PLAIN LOGIN       | false | false | false | false | false | false | 0        | PLAIN LOGIN
            auth login cram-md5    | false | false | false | false | false | false | 0        | LOGIN CRAM-MD5
            AUTH=LOGIN PLAIN       | false | false | false | false | false | false | 0        | LOGIN PLAIN
            '  PIPELINING  '       | true  | false | false | false | false | false | 0        | ''
            PIPE_LINING            | false | false | false | false | false | false | 0        | ''
            -PIPELINING            | false | false | false | false | false | false | 0        | ''
            ''                     | false | false | false | false | false | false | 0        | ''
            """)
    void fromEhlo_table(String line, boolean pipelining, boolean startTls, boolean eightBitMime, boolean smtpUtf8,
                        boolean enhanced, boolean size, long sizeLimit, String auth) {
        Capabilities capabilities = ehlo(line);
        assertThat(capabilities.extended()).isTrue();
        assertThat(capabilities.pipelining()).isEqualTo(pipelining);
        assertThat(capabilities.startTls()).isEqualTo(startTls);
        assertThat(capabilities.eightBitMime()).isEqualTo(eightBitMime);
        assertThat(capabilities.smtpUtf8()).isEqualTo(smtpUtf8);
        assertThat(capabilities.enhancedStatusCodes()).isEqualTo(enhanced);
        assertThat(capabilities.size()).isEqualTo(size);
        assertThat(capabilities.sizeLimit()).isEqualTo(sizeLimit);
        assertThat(capabilities.authMechanisms()).containsExactlyElementsOf(
                auth.isEmpty() ? List.of() : Arrays.asList(auth.split(" ")));
    }

    @Test
    void fromEhlo_typicalPostfixReply() {
        Capabilities capabilities = ehlo("PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS",
                "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING");
        assertThat(capabilities.extensions().keySet()).containsExactly("PIPELINING", "SIZE", "VRFY", "ETRN", "STARTTLS",
                "AUTH", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING");
        assertThat(capabilities.authMechanisms()).isEqualTo(Set.of("PLAIN", "LOGIN"));
        assertThat(capabilities.sizeLimit()).isEqualTo(10_240_000);
        assertThat(capabilities.has("chunking")).isTrue();
    }

    @Test
    void helo_hasNoExtensions() {
        Capabilities helo = Capabilities.helo();
        assertThat(helo.extended()).isFalse();
        assertThat(helo.pipelining()).isFalse();
        assertThat(helo.authMechanisms()).isEmpty();
        assertThatThrownBy(() -> new Capabilities(false, java.util.Map.of("SIZE", ""))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromEhlo_negativeReply_throws() {
        assertThatThrownBy(() -> Capabilities.fromEhlo(SmtpReply.of(502, "5.5.1", "no"))).isInstanceOf(IllegalArgumentException.class);
    }
}
