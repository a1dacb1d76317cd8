package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.DomainName;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimSignerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final DomainName DOMAIN = DomainName.parse("app.example.test");

    private static final String MESSAGE = """
            Received: from app by relay\r
            From: App <app@app.example.test>\r
            To: a@example.test\r
            To: b@example.test\r
            Subject: Hello\r
            X-Not-Signed: yes\r
            List-Unsubscribe: <https://app.example.test/u>\r
            \r
            Body.\r
            """;

    private static DkimSigner signer(java.security.PrivateKey key) {
        return new DkimSigner(DOMAIN, "nexx", key, CLOCK);
    }

    private static DkimSignature parsed(String field) {
        return DkimSignature.parse(field.substring(field.indexOf(':') + 1));
    }

    @Test
    void signsPresentHeadersAndOverSignsFrom() {
        String field = signer(TestKeys.RSA.getPrivate()).sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));

        DkimSignature signature = parsed(field);
        assertThat(signature.signedHeaders())
                .containsExactly("From", "From", "To", "To", "Subject", "List-Unsubscribe");
        assertThat(signature.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(signature.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(signature.bodyCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(signature.domain()).isEqualTo(DOMAIN);
        assertThat(signature.selector()).isEqualTo("nexx");
        assertThat(signature.timestamp()).isEqualTo(1_700_000_000L);
        assertThat(signature.bodyLength()).isEqualTo(-1);
        assertThat(signature.expiration()).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({"RSA", "ED25519"})
    void theFieldIsFoldedIntoShortCrlfLines(String type) {
        java.security.PrivateKey key = type.equals("RSA") ? TestKeys.RSA.getPrivate() : TestKeys.ED25519.getPrivate();

        String field = signer(key).sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));

        assertThat(field).startsWith("DKIM-Signature: v=1; a=").endsWith("\r\n");
        assertThat(field.substring(0, field.length() - 2).split("\r\n"))
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78))
                .satisfies(lines -> assertThat(Arrays.stream(lines).skip(1)).allSatisfy(
                        line -> assertThat(line).startsWith(" ")));
        assertThat(field.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void aLongHeaderListFoldsInsideH() {
        List<String> many = new java.util.ArrayList<>(DkimSigner.DEFAULT_HEADERS);
        StringBuilder message = new StringBuilder();
        for (String name : many) {
            message.append(name).append(": x\r\n");
        }
        message.append("\r\nbody\r\n");

        String field = new DkimSigner(DOMAIN, "nexx", TestKeys.ED25519.getPrivate(), many, CLOCK)
                .sign(message.toString().getBytes(StandardCharsets.US_ASCII));

        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(parsed(field).signedHeaders()).hasSize(many.size() + 1);
    }

    @Test
    void streamingTheBodyGivesTheSameSignature() throws Exception {
        byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        int bodyOffset = RawHeaders.parse(message, message.length).bodyOffset();
        DkimSigner signer = signer(TestKeys.ED25519.getPrivate());

        String streamed = signer.sign(Arrays.copyOf(message, bodyOffset),
                new ByteArrayInputStream(message, bodyOffset, message.length - bodyOffset));

        assertThat(streamed).isEqualTo(signer.sign(message));
    }

    @Test
    void theConfiguredListMustIncludeFrom() {
        assertThatThrownBy(() -> new DkimSigner(DOMAIN, "nexx", TestKeys.RSA.getPrivate(), List.of("To"), CLOCK))
                .hasMessageContaining("must include From");
    }

    @ParameterizedTest
    @CsvSource({"NEXX", "a_b", "-x", "x..y", "''"})
    void badSelectorsAreRefused(String selector) {
        assertThatThrownBy(() -> new DkimSigner(DOMAIN, selector, TestKeys.RSA.getPrivate(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("selector");
    }

    @Test
    void anEcKeyIsRefused() throws Exception {
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        java.security.PrivateKey key = ec.generateKeyPair().getPrivate();

        assertThatThrownBy(() -> signer(key)).hasMessageContaining("use RSA or Ed25519");
    }
}
