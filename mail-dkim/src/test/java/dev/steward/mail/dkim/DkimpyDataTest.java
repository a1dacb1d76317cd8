package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.DomainName;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** dkimpy's unit-test data (shared/conformance/dkim/dkimpy), with the outcomes its SOURCE.md lists. */
class DkimpyDataTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final DkimVerifier VERIFIER = new DkimVerifier(KeyRecordSource.of(Vectors.dkimpyRecords()), NOW);

    @ParameterizedTest
    @CsvSource({
        "rfc6376.signed.msg,     2",
        "rfc6376.signed.rsa.msg, 1",
        "ed25519test2.msg,       1",
    })
    void signedMessagesVerify(String file, int signatures) {
        List<DkimResult> results = VERIFIER.verify(Vectors.crlf("dkimpy/" + file));

        assertThat(results).hasSize(signatures).allSatisfy(result -> assertThat(result).isInstanceOf(DkimResult.Pass.class));
    }

    @Test
    void aSignatureWithAnInvalidDomainIsAPermError() {
        List<DkimResult> results = VERIFIER.verify(Vectors.crlf("dkimpy/test.message.baddomain"));

        assertThat(results).singleElement().isInstanceOfSatisfying(DkimResult.PermError.class,
                error -> assertThat(error.reason()).contains("bad domain d=legitimate.com(.attacker.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"test.txt", "test2.txt", "1024_testkey_wo_markers.pub.txt", "2048_testkey_wo_markers.pub.txt",
        "2048_testkey_PKCS8.key.pub.txt", "1024_testkey_wo_markers.pub.rsa.txt", "2048_testkey_wo_markers.pub.rsa.txt",
        "ed25519test.dns", "eximtest.dns"})
    void goodKeyRecordsParse(String file) {
        DkimKeyRecord record = DkimKeyRecord.parse(Vectors.text("dkimpy/" + file).strip());

        assertThat(record.revoked()).isFalse();
        assertThat(record.publicKey()).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "badversion.txt  | v= must come first and be DKIM1",
        "badk.txt        | unknown key type k=ed25519-sha256",
        "test_bad.txt    | p= is not a valid rsa public key",
        "test_tlsrpt.txt | the key is not for email",
    })
    void badKeyRecordsAreRejected(String file, String reason) {
        assertThatThrownBy(() -> DkimKeyRecord.parse(Vectors.text("dkimpy/" + file).strip()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aPkcs1PublicKeyMeansTheSameKeyAsItsSubjectPublicKeyInfo() {
        assertThat(DkimKeyRecord.parse(Vectors.text("dkimpy/2048_testkey_wo_markers.pub.rsa.txt").strip()).publicKey())
                .isEqualTo(DkimKeyRecord.parse(Vectors.text("dkimpy/2048_testkey_wo_markers.pub.txt").strip()).publicKey());
    }

    @ParameterizedTest
    @CsvSource({
        "dkimpy/test.private,       example.com, test",
        "dkimpy/2048_testkey.key,   example.org, big",
        "dkimpy/ed25519test.key,    example.net, test",
    })
    void signedByUsVerifiedByUs(String keyFile, String domain, String selector) {
        PrivateKey key = keyFile.endsWith("ed25519test.key") ? Vectors.ed25519Seed(keyFile) : Vectors.pkcs1(keyFile);
        DkimSigner signer = new DkimSigner(DomainName.parse(domain), selector, key, NOW);
        DkimVerifier verifier = new DkimVerifier(KeyRecordSource.of(Map.of(selector + "._domainkey." + domain,
                DkimKeys.txtRecord(DomainName.parse(domain), selector, DkimKeys.publicKey(key)).value())), NOW);

        for (String message : List.of("test.message", "test_extra.message", "rfc6376.msg", "rfc6376.w1258.msg")) {
            byte[] signed = signer.signedMessage(Vectors.crlf("dkimpy/" + message));
            // dkimpy 1.1 fails its own w1258 round trip (it decodes headers); raw octets make it pass.
            assertThat(verifier.verify(signed)).as(message).singleElement().isInstanceOf(DkimResult.Pass.class);
        }
    }

    @Test
    void theEd25519TestKeyMatchesItsRecord() {
        assertThat(DkimKeys.publicKeyValue(DkimKeys.publicKey(Vectors.ed25519Seed("dkimpy/ed25519test.key"))))
                .isEqualTo("yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y=");
        assertThat(DkimKeys.publicKeyValue(DkimKeys.publicKey(Vectors.ed25519Seed("dkimpy/rfc8032_7_1.key"))))
                .isEqualTo("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    }

    @Test
    void aMessageWithoutFromCannotBeSigned() {
        DkimSigner signer = new DkimSigner(DomainName.parse("example.com"), "test", Vectors.pkcs1("dkimpy/test.private"), NOW);

        assertThatThrownBy(() -> signer.sign(Vectors.crlf("dkimpy/test_nofrom.message")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no From field");
    }

    @Test
    void thePkcs8KeyReadsAndMatchesItsRecord() {
        PrivateKey key = DkimKeys.readPrivateKeyPem(Vectors.text("dkimpy/2048_testkey_PKCS8.key"));

        assertThat(Vectors.text("dkimpy/2048_testkey_PKCS8.key.pub.txt"))
                .contains("p=" + DkimKeys.publicKeyValue(DkimKeys.publicKey(key)));
    }

    @Test
    void aPkcs1KeyFileIsRefusedWithTheConversionCommand() {
        assertThatThrownBy(() -> DkimKeys.readPrivateKeyPem(Vectors.text("dkimpy/1024_testkey.key")))
                .hasMessageContaining("PKCS#1")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }
}
