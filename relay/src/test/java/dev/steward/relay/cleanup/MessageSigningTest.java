package dev.steward.relay.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.model.DomainName;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSigningTest {

    private static final PrivateKey KEY = DkimKeys.generateEd25519().getPrivate();

    private final MessageSigning signing = new MessageSigning(
            List.of(DomainName.parse("example.test"), DomainName.parse("app.example.test")),
            List.of(new MessageSigning.Key("nexx", KEY)), Clock.systemUTC());

    @Test
    void signingDomain_isTheMostSpecificAppDomainAtOrAboveTheSender() {
        assertThat(signing.signingDomain("a@example.test").ascii()).isEqualTo("example.test");
        assertThat(signing.signingDomain("a@app.example.test").ascii()).isEqualTo("app.example.test");
        assertThat(signing.signingDomain("a@news.app.example.test").ascii()).isEqualTo("app.example.test");
        assertThatThrownBy(() -> signing.signingDomain("a@other.test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sign_returnsTheFieldAndItsTags() throws Exception {
        byte[] message = "From: a@news.app.example.test\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);
        List<MessageSigning.Signature> signatures = signing.sign("a@news.app.example.test", message, null);
        assertThat(signatures).singleElement().satisfies(signature -> {
            assertThat(signature.field()).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;").endsWith("\r\n");
            assertThat(signature.domain()).isEqualTo("app.example.test");
            assertThat(signature.selector()).isEqualTo("nexx");
            assertThat(signature.algorithm()).isEqualTo("ed25519-sha256");
        });
    }

    @Test
    void noFrom_failsLoudly() {
        byte[] message = "Subject: x\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> signing.sign("a@example.test", message, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
