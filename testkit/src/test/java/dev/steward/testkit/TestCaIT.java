package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link TestCa}: its certificates, its PEM files, and a real handshake with its contexts. */
@Timeout(60)
class TestCaIT {

    @TempDir
    static Path directory;
    private static TestCa ca;

    @BeforeAll
    static void create() {
        ca = TestCa.create(directory, "mx.custom.test", "*.wild.test", "127.0.0.1");
    }

    @Test
    void serverCertificate_namesSignatureAndUsage() throws Exception {
        X509Certificate server = ca.serverCertificate();
        List<String> names = new ArrayList<>();
        for (List<?> entry : server.getSubjectAlternativeNames()) {
            names.add(entry.get(0) + ":" + entry.get(1));
        }
        assertThat(names).containsExactly("2:mx.custom.test", "2:*.wild.test", "7:127.0.0.1");
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=mx.custom.test");
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.caCertificate().getSubjectX500Principal());
        server.verify(ca.caCertificate().getPublicKey());
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        ca.trustManager().checkServerTrusted(new X509Certificate[] {server, ca.caCertificate()}, "ECDHE_ECDSA");
    }

    @Test
    void pemFiles_parseBack_keyMatchesCertificate() throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> chain;
        try (InputStream in = Files.newInputStream(ca.serverChainPem())) {
            chain = new ArrayList<>(factory.generateCertificates(in));
        }
        assertThat(chain).containsExactly(ca.serverCertificate(), ca.caCertificate());
        try (InputStream in = Files.newInputStream(ca.caCertificatePem())) {
            assertThat(factory.generateCertificate(in)).isEqualTo(ca.caCertificate());
        }

        String pem = Files.readString(ca.serverKeyPem(), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update("proof".getBytes(StandardCharsets.US_ASCII));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(ca.serverCertificate());
        verifier.update("proof".getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(signature)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.serverKeyPem()))).isEqualTo("rw-------");
    }

    @Test
    void trustStoreFile_holdsTheCa() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(ca.trustStoreFile()))) {
            store.load(in, ca.storePassword().toCharArray());
        }
        assertThat(store.getCertificate("steward-test-ca")).isEqualTo(ca.caCertificate());
    }

    @Test
    void contexts_handshakeWithHostNameVerification() throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) ca.serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    accepted.getOutputStream().write('!');
                    accepted.getOutputStream().flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) ca.clientContext().getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(List.of(new SNIHostName("anything.wild.test")));
                client.setSSLParameters(parameters);
                client.startHandshake();
                assertThat(client.getInputStream().read()).isEqualTo('!');
                assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(ca.serverCertificate());
            }
            server.join();
        }
    }
}
