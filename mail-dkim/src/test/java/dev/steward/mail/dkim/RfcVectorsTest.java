package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6376 Appendix A (errata 3192, 4926) and RFC 8463 Appendix A: the published signatures verify,
 * and re-signing the unsigned message with the published keys reproduces {@code bh=} and {@code b=}
 * byte for byte (PKCS#1 v1.5 and Ed25519 are deterministic).
 */
class RfcVectorsTest {

    private static final Clock AFTER_2018 = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static Stream<Arguments> signedMessages() {
        return Stream.of(
                Arguments.of("rfc6376/signed-errata.eml", "rfc6376/dns-records.zone", 1),
                Arguments.of("rfc8463/signed.eml", "rfc8463/dns-records.zone", 2));
    }

    @ParameterizedTest
    @MethodSource("signedMessages")
    void publishedSignaturesVerify(String message, String zone, int signatures) {
        DkimVerifier verifier = new DkimVerifier(KeyRecordSource.of(Vectors.zone(zone)), AFTER_2018);

        List<DkimResult> results = verifier.verify(Vectors.bytes(message));

        assertThat(results).hasSize(signatures).allSatisfy(result -> assertThat(result).isInstanceOf(DkimResult.Pass.class));
    }

    /** The published field index within the signed message, the unsigned message and the key. */
    static Stream<Arguments> reSigning() {
        return Stream.of(
                // RFC 6376 A.1 lacks the Received field that the submission server added before
                // signing (A.2 signs it), so the "unsigned" input is A.2 itself; its DKIM-Signature
                // is not in h= and so not part of the header data.
                Arguments.of("rfc6376/signed-errata.eml", 0, "rfc6376/signed-errata.eml",
                        Vectors.pkcs1("rfc6376/rsa.private.pem")),
                Arguments.of("rfc8463/signed.eml", 0, "rfc8463/unsigned.eml",
                        Vectors.ed25519Seed("rfc8463/ed25519.private.b64")),
                Arguments.of("rfc8463/signed.eml", 1, "rfc8463/unsigned.eml",
                        Vectors.pkcs1("rfc8463/rsa.private.pem")));
    }

    @ParameterizedTest
    @MethodSource("reSigning")
    void reSigningReproducesPublishedBodyHashAndSignature(String signedFile, int index, String unsignedFile,
            PrivateKey key) throws Exception {
        byte[] signedBytes = Vectors.bytes(signedFile);
        RawHeaders.Field published = RawHeaders.parse(signedBytes, signedBytes.length).fields().stream()
                .filter(field -> field.hasName("DKIM-Signature")).toList().get(index);
        DkimSignature signature = DkimSignature.parse(published.raw().substring(published.raw().indexOf(':') + 1));
        byte[] unsigned = Vectors.bytes(unsignedFile);
        RawHeaders headers = RawHeaders.parse(unsigned, unsigned.length);

        MessageDigest digest = DkimAlgorithm.sha256();
        BodyHasher body = BodyHasher.into(signature.bodyCanonicalization(), -1, digest);
        body.update(unsigned, headers.bodyOffset(), unsigned.length - headers.bodyOffset());
        body.finish();
        byte[] headerData = SigningInput.headerData(headers, signature.signedHeaders(),
                signature.headerCanonicalization(), SigningInput.withoutSignatureValue(published.raw()));
        byte[] signed = DkimAlgorithm.forKey(key).sign(key, headerData);

        assertThat(Base64.getEncoder().encodeToString(digest.digest()))
                .isEqualTo(signature.bodyHash())
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
        assertThat(Base64.getEncoder().encodeToString(signed)).isEqualTo(signature.signature());
    }

    @ParameterizedTest
    @MethodSource("reSigning")
    void theKeysMatchThePublishedRecords(String signedFile, int index, String unsignedFile, PrivateKey key) {
        String zone = signedFile.startsWith("rfc6376") ? "rfc6376/dns-records.zone" : "rfc8463/dns-records.zone";
        String published = Vectors.zone(zone).values().stream()
                .filter(value -> value.contains(DkimKeys.publicKeyValue(DkimKeys.publicKey(key))))
                .findFirst().orElse("");

        assertThat(published).isNotEmpty();
        assertThat(DkimKeyRecord.parse(published).publicKey()).isEqualTo(DkimKeys.publicKey(key));
    }
}
