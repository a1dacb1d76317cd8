package dev.steward.mail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.DomainName;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimKeysTest {

    private static final DomainName DOMAIN = DomainName.parse("app.example.test");

    @ParameterizedTest
    @CsvSource({"RSA", "ED25519"})
    void privateKeyPemRoundTrips(String type) {
        KeyPair keys = type.equals("RSA") ? TestKeys.RSA : TestKeys.ED25519;

        String pem = DkimKeys.privateKeyPem(keys.getPrivate());
        PrivateKey read = DkimKeys.readPrivateKeyPem(pem);

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(pem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(DkimKeys.publicKey(read)).isEqualTo(keys.getPublic());
    }

    @ParameterizedTest
    @CsvSource({"RSA", "ED25519"})
    void publicKeyPemRoundTrips_andAPrivateKeyPemGivesItsPublicHalf(String type) {
        KeyPair keys = type.equals("RSA") ? TestKeys.RSA : TestKeys.ED25519;

        String pem = DkimKeys.publicKeyPem(keys.getPublic());

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(DkimKeys.readPublicKeyPem(pem)).isEqualTo(keys.getPublic());
        assertThat(DkimKeys.readPublicKeyPem(DkimKeys.privateKeyPem(keys.getPrivate()))).isEqualTo(keys.getPublic());
    }

    @Test
    void readPublicKeyPem_saysWhatIsWrong() {
        assertThatThrownBy(() -> DkimKeys.readPublicKeyPem("p=MIIB"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a public key PEM");
        assertThatThrownBy(() -> DkimKeys.readPublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an RSA or Ed25519 public key");
    }

    @Test
    void generatedRsaKeysHave2048BitsByDefault() {
        assertThat(((java.security.interfaces.RSAPublicKey) TestKeys.RSA.getPublic()).getModulus().bitLength()).isEqualTo(2048);
        assertThatThrownBy(() -> DkimKeys.generateRsa(512)).hasMessageContaining("1024..8192");
    }

    @Test
    void rsaPublicKeyValueIsTheSubjectPublicKeyInfo() {
        assertThat(Base64.getDecoder().decode(DkimKeys.publicKeyValue(TestKeys.RSA.getPublic())))
                .isEqualTo(TestKeys.RSA.getPublic().getEncoded());
    }

    @Test
    void ed25519PublicKeyValueIsTheRaw32Octets() {
        assertThat(Base64.getDecoder().decode(DkimKeys.publicKeyValue(TestKeys.ED25519.getPublic()))).hasSize(32);
    }

    @ParameterizedTest
    @CsvSource({"RSA, rsa", "ED25519, ed25519"})
    void txtRecordParsesBackToTheSameKey(String type, String k) {
        KeyPair keys = type.equals("RSA") ? TestKeys.RSA : TestKeys.ED25519;

        DkimTxtRecord record = DkimKeys.txtRecord(DOMAIN, "nexx", keys.getPublic());

        assertThat(record.owner()).isEqualTo("nexx._domainkey.app.example.test");
        assertThat(record.value()).startsWith("v=DKIM1; k=" + k + "; p=");
        assertThat(DkimKeyRecord.parse(record.value()).publicKey()).isEqualTo(keys.getPublic());
    }

    @Test
    void longRecordsAreSplitInto255OctetStringsForTheZoneFile() {
        DkimTxtRecord record = DkimKeys.txtRecord(DOMAIN, "nexx", TestKeys.RSA.getPublic());

        assertThat(record.value()).hasSize("v=DKIM1; k=rsa; p=".length() + 392);
        assertThat(record.strings()).hasSize(2).first().asString().hasSize(255);
        assertThat(String.join("", record.strings())).isEqualTo(record.value());
        assertThat(record.zoneFileLine()).isEqualTo("nexx._domainkey.app.example.test. IN TXT \""
                + record.strings().get(0) + "\" \"" + record.strings().get(1) + "\"");
    }

    @Test
    void aShortRecordIsOneString() {
        DkimTxtRecord record = DkimKeys.txtRecord(DOMAIN, "nexx", TestKeys.ED25519.getPublic());

        assertThat(record.zoneFileLine()).isEqualTo("nexx._domainkey.app.example.test. IN TXT \"" + record.value() + "\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "just text                                                       | not a PEM file",
        "'-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n'   | this is a public key",
        "'-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n' | is encrypted",
        "'-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n' | OpenSSH key",
        "'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' | PEM type \"CERTIFICATE\" is not a PKCS#8 private key",
        "'-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n'  | not base64",
        "'-----BEGIN PRIVATE KEY-----\nMIIB\n'                            | has no \"-----END PRIVATE KEY-----\" line",
        "'-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'  | not a PKCS#8 RSA or Ed25519 private key",
    })
    void whatIsWrongWithAKeyFileIsSaid(String pem, String message) {
        assertThatThrownBy(() -> DkimKeys.readPrivateKeyPem(pem.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void anEcKeyIsNamed() throws Exception {
        PrivateKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(ec.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> DkimKeys.readPrivateKeyPem(pem)).hasMessageContaining("EC (ECDSA) key");
    }
}
