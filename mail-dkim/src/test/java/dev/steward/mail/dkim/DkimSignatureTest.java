package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DKIM-Signature tag parsing (RFC 6376 §3.2, §3.5). */
class DkimSignatureTest {

    private static final String BASE = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; bh=AAAA; b=AAAA";

    @Test
    void defaultsApply() {
        DkimSignature signature = DkimSignature.parse(BASE);

        assertThat(signature.headerCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(signature.bodyCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(signature.identity()).isEqualTo("@example.com");
        assertThat(signature.bodyLength()).isEqualTo(-1);
        assertThat(signature.keyRecordName()).isEqualTo("sel._domainkey.example.com");
    }

    @Test
    void foldingWhitespaceIsAllowedAroundTagsAndInsideBase64AndH() {
        DkimSignature signature = DkimSignature.parse(
                " v = 1 ;\r\n a=ed25519-sha256; c=relaxed;\r\n\td=Example.COM; s=Sel; h=From\r\n : To ;"
                        + " bh=AA\r\n AA; b=AA AA; l=10; t=5; x=6; i=joe@sub.example.com; q=dns/txt;");

        assertThat(signature.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(signature.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(signature.bodyCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(signature.domain().ascii()).isEqualTo("example.com");
        assertThat(signature.selector()).isEqualTo("sel");
        assertThat(signature.signedHeaders()).containsExactly("From", "To");
        assertThat(signature.bodyHash()).isEqualTo("AAAA");
        assertThat(signature.signature()).isEqualTo("AAAA");
        assertThat(signature.bodyLength()).isEqualTo(10);
        assertThat(signature.timestamp()).isEqualTo(5);
        assertThat(signature.expiration()).isEqualTo(6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s=sel; h=from; bh=AAAA; b=AAAA; v=1; a=rsa-sha256                    | d= is missing",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=to; bh=AAAA; b=AAAA       | does not include From",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from::to; bh=AAAA; b=AAAA | empty header name",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=A*AA     | b= is not base64",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=; b=AAAA         | bh= is empty",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; c=fancy | unsupported canonicalization",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; c=simple/relaxed/x | unsupported canonicalization",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; l=-1 | not a decimal number",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; t=99999999999999999999 | too large",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; i=joe | has no @",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; i=@notexample.com | not within d=",
        "v=1; a=rsa-sha256; d=example.com; s=sel!; h=from; bh=AAAA; b=AAAA    | bad selector",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; 1x=y | bad tag name",
        "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; novalue | has no '='",
        "v=1;; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA    | empty tag-spec",
        "v=1; a=ed448-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA   | unsupported algorithm",
        "v=1; a=rsa-sha256; d=exa_mple.com; s=sel; h=from; bh=AAAA; b=AAAA    | bad domain d=",
    })
    void malformedSignaturesAreRejected(String value, String reason) {
        assertThatThrownBy(() -> DkimSignature.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'DKIM-Signature: v=1; b=abc\\r\\n def; bh=x\\r\\n'      | 'DKIM-Signature: v=1; b=; bh=x\\r\\n'",
        "'DKIM-Signature: v=1; bh=x; b=abc\\r\\n def\\r\\n'      | 'DKIM-Signature: v=1; bh=x; b=\\r\\n'",
        "'DKIM-Signature: v=1; bh=x; b = abc ;\\r\\n'            | 'DKIM-Signature: v=1; bh=x; b =;\\r\\n'",
    })
    void theSignatureValueIsEmptiedForHashing(String raw, String expected) {
        assertThat(SigningInput.withoutSignatureValue(raw.replace("\\r\\n", "\r\n")))
                .isEqualTo(expected.replace("\\r\\n", "\r\n"));
    }
}
