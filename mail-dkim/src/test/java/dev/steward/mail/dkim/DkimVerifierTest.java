package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.model.DomainName;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What makes verification fail, and how each failure is classified. */
class DkimVerifierTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final DomainName DOMAIN = DomainName.parse("app.example.test");
    private static final String KEY_NAME = "nexx._domainkey.app.example.test";

    private static final String MESSAGE = """
            From: App <app@app.example.test>\r
            To: user@example.test\r
            Subject: Your code\r
            \r
            Code: 1234\r
            """;

    private static String record(PublicKey key) {
        return DkimKeys.txtRecord(DOMAIN, "nexx", key).value();
    }

    private static String signedRsa() {
        return new DkimSigner(DOMAIN, "nexx", TestKeys.RSA.getPrivate(), CLOCK).sign(MESSAGE.getBytes(StandardCharsets.US_ASCII))
                + MESSAGE;
    }

    private static List<DkimResult> verify(String message, String keyRecord) {
        return new DkimVerifier(KeyRecordSource.of(Map.of(KEY_NAME, keyRecord)), CLOCK)
                .verify(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anUnchangedMessagePasses() {
        assertThat(verify(signedRsa(), record(TestKeys.RSA.getPublic())))
                .singleElement().isInstanceOf(DkimResult.Pass.class);
    }

    @Test
    void aMessageWithoutSignaturesHasNoResults() {
        assertThat(verify(MESSAGE, record(TestKeys.RSA.getPublic()))).isEmpty();
    }

    static Stream<Arguments> changes() {
        String rsaRecord = record(TestKeys.RSA.getPublic());
        return Stream.of(
                change("modified body", m -> m.replace("Code: 1234", "Code: 9999"), rsaRecord,
                        DkimResult.Fail.class, "body hash mismatch"),
                change("appended body line", m -> m + "P.S.\r\n", rsaRecord, DkimResult.Fail.class, "body hash mismatch"),
                change("modified signed header", m -> m.replace("Subject: Your code", "Subject: Your c0de"), rsaRecord,
                        DkimResult.Fail.class, "signature does not verify"),
                change("added From (over-signed)", m -> m.replace("To: user", "From: evil@example.test\r\nTo: user"),
                        rsaRecord, DkimResult.Fail.class, "signature does not verify"),
                change("revoked key", m -> m, "v=DKIM1; k=rsa; p=", DkimResult.PermError.class, "revoked"),
                change("no key record", m -> m, null, DkimResult.PermError.class, "no key record"),
                change("ed25519 key for an rsa signature", m -> m, record(TestKeys.ED25519.getPublic()),
                        DkimResult.PermError.class, "does not match a=rsa-sha256"),
                change("other rsa key", m -> m, record(DkimKeys.generateRsa(1024).getPublic()),
                        DkimResult.Fail.class, "signature does not verify"),
                change("unsupported algorithm", m -> m.replace("a=rsa-sha256", "a=rsa-sha1"), rsaRecord,
                        DkimResult.PermError.class, "unsupported algorithm a=rsa-sha1"),
                change("From missing from h=", m -> m.replaceFirst("h=From:From:", "h="), rsaRecord,
                        DkimResult.PermError.class, "does not include From"),
                change("v=2", m -> m.replace("v=1;", "v=2;"), rsaRecord, DkimResult.PermError.class, "unsupported version"),
                change("missing bh=", m -> m.replace(" bh=", " xh="), rsaRecord, DkimResult.PermError.class, "bh= is missing"),
                change("duplicate tag", m -> m.replace("v=1;", "v=1; v=1;"), rsaRecord, DkimResult.PermError.class, "twice"),
                change("i= outside d=", m -> m.replace("v=1;", "v=1; i=@example.test;"), rsaRecord,
                        DkimResult.PermError.class, "not within d="),
                change("q= other than dns/txt", m -> m.replace("v=1;", "v=1; q=http;"), rsaRecord,
                        DkimResult.PermError.class, "unsupported query method"),
                change("x= before t=", m -> m.replace("v=1;", "v=1; x=1600000000;"), rsaRecord,
                        DkimResult.PermError.class, "x= (1600000000) is not after t="),
                change("expired", m -> m.replace("t=1700000000;", "t=1500000000; x=1600000000;"), rsaRecord,
                        DkimResult.PermError.class, "signature expired (x=1600000000)"),
                change("key for another service", m -> m, rsaRecord + "; s=tlsrpt", DkimResult.PermError.class,
                        "not for email"),
                change("key restricted to sha1", m -> m, rsaRecord.replace("k=rsa;", "k=rsa; h=sha1;"),
                        DkimResult.PermError.class, "does not allow sha256"));
    }

    private static Arguments change(String name, UnaryOperator<String> edit, String keyRecord,
            Class<? extends DkimResult> expected, String reason) {
        return Arguments.of(name, edit, keyRecord, expected, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void changesAreDetected(String name, UnaryOperator<String> edit, String keyRecord,
            Class<? extends DkimResult> expected, String reason) {
        KeyRecordSource keys = keyRecord == null ? KeyRecordSource.of(Map.of())
                : KeyRecordSource.of(Map.of(KEY_NAME, keyRecord));

        List<DkimResult> results = new DkimVerifier(keys, CLOCK).verify(
                edit.apply(signedRsa()).getBytes(StandardCharsets.ISO_8859_1));

        assertThat(results).singleElement().isInstanceOf(expected).asString().contains(reason);
    }

    @Test
    void aLookupFailureIsATempError() {
        KeyRecordSource failing = name -> {
            throw new KeyRecordSource.KeyLookupException("SERVFAIL from 192.0.2.53");
        };

        assertThat(new DkimVerifier(failing, CLOCK).verify(signedRsa().getBytes(StandardCharsets.US_ASCII)))
                .singleElement().isInstanceOfSatisfying(DkimResult.TempError.class, error -> {
                    assertThat(error.domain()).isEqualTo("app.example.test");
                    assertThat(error.reason()).contains(KEY_NAME).contains("SERVFAIL");
                });
    }

    @Test
    void bodyLengthLimitIgnoresAppendedContentWhenVerifying() {
        // Signed by hand with l= (the signer never writes it): relaxed body "Code: 1234\r\n" is 12 octets.
        String field = new DkimSigner(DOMAIN, "nexx", TestKeys.RSA.getPrivate(), CLOCK)
                .sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        DkimSignature signature = DkimSignature.parse(field.substring(field.indexOf(':') + 1));
        String template = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=app.example.test; s=nexx;"
                + " l=12; h=From:To:Subject; bh=" + signature.bodyHash() + "; b=";
        byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        byte[] headerData = SigningInput.headerData(RawHeaders.parse(message, message.length),
                List.of("From", "To", "Subject"), Canonicalization.RELAXED, template);
        String withL;
        try {
            withL = template + java.util.Base64.getEncoder().encodeToString(
                    DkimAlgorithm.RSA_SHA256.sign(TestKeys.RSA.getPrivate(), headerData)) + "\r\n";
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        String record = record(TestKeys.RSA.getPublic());

        assertThat(verify(withL + MESSAGE + "Appended by a list\r\n", record)).singleElement().isInstanceOf(DkimResult.Pass.class);
        assertThat(verify(withL.replace("l=12", "l=13") + MESSAGE, record)).singleElement()
                .isInstanceOf(DkimResult.PermError.class).asString().contains("longer than the canonical body");
    }

    @Test
    void twoSignaturesGiveTwoResultsInOrder() {
        byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        String ed = new DkimSigner(DOMAIN, "ed", TestKeys.ED25519.getPrivate(), CLOCK).sign(message);
        String rsa = new DkimSigner(DOMAIN, "nexx", TestKeys.RSA.getPrivate(), CLOCK).sign(message);
        KeyRecordSource keys = KeyRecordSource.of(Map.of(
                "ed._domainkey.app.example.test", record(TestKeys.ED25519.getPublic()),
                KEY_NAME, "v=DKIM1; p="));

        List<DkimResult> results = new DkimVerifier(keys, CLOCK)
                .verify((ed + rsa + MESSAGE).getBytes(StandardCharsets.US_ASCII));

        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isInstanceOf(DkimResult.Pass.class);
        assertThat(results.get(1)).isInstanceOf(DkimResult.PermError.class);
    }
}
