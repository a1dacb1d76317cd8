package dev.steward.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A throwaway certificate authority and one server certificate it signed, made at test time.
 *
 * <p>The JDK has no public API to build certificates, so this runs the JDK's own {@code keytool}
 * ({@code java.home/bin/keytool}): {@code -genkeypair} for the CA and the server key,
 * {@code -certreq} and {@code -gencert} to sign the server certificate with subjectAltNames for
 * the given names. Keys are EC P-256 (fast to make; Postfix, OpenSSL and the JDK all accept them).
 * No new dependency, and the certificates are made by the same code real operators use. Four
 * keytool runs take a second or two, so share one instance: {@link #shared()} per JVM, or one per
 * test class.
 *
 * <p>Gives: an {@link SSLContext} for servers ({@link #serverContext()}), trust for clients
 * ({@link #trustStore()}, {@link #trustManager()}, {@link #clientContext()}), and PEM files for
 * external servers such as Postfix ({@link #serverChainPem()}: server then CA certificate;
 * {@link #serverKeyPem()}: unencrypted PKCS#8; {@link #caCertificatePem()}).
 *
 * <p>Thread safety: immutable after {@link #create}; thread-safe.
 */
public final class TestCa {

    /** The names in {@link #shared()}'s server certificate. */
    public static final List<String> SHARED_NAMES = List.of("localhost", "mx1.interop.test", "127.0.0.1", "::1");

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final long KEYTOOL_TIMEOUT_SECONDS = 120;

    private static TestCa shared;   // created on first use; guarded by TestCa.class

    private final Path directory;
    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverKey;
    private final KeyStore serverKeyStore;
    private final KeyStore trustStore;

    private TestCa(Path directory, X509Certificate caCertificate, X509Certificate serverCertificate,
                   PrivateKey serverKey) throws GeneralSecurityException, IOException {
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
        this.serverKeyStore = KeyStore.getInstance("PKCS12");
        serverKeyStore.load(null, null);
        serverKeyStore.setKeyEntry("server", serverKey, PASSWORD, new Certificate[] {serverCertificate, caCertificate});
        this.trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("steward-test-ca", caCertificate);
    }

    /**
     * One CA for this JVM with a server certificate for {@link #SHARED_NAMES}, in a temporary
     * directory. Made on first use.
     */
    public static synchronized TestCa shared() {
        if (shared == null) {
            try {
                Path directory = Files.createTempDirectory("steward-test-ca");
                shared = create(directory, SHARED_NAMES.toArray(String[]::new));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /**
     * Makes a new CA and a server certificate in {@code directory} (which must exist).
     *
     * @param serverNames DNS names and IP literals for the server certificate's subjectAltName;
     *                    the first is also its CN
     */
    public static TestCa create(Path directory, String... serverNames) {
        Objects.requireNonNull(directory, "directory");
        if (serverNames.length == 0) {
            throw new IllegalArgumentException("at least one server name is needed");
        }
        try {
            Path caStore = directory.resolve("ca.p12");
            Path serverStore = directory.resolve("server-key.p12");
            Path request = directory.resolve("server.csr");
            Path signed = directory.resolve("server.crt");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=Steward Test CA " + directory.getFileName(), "-ext", "bc:c=ca:true",
                    "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "30", "-startdate", "-1d",
                    "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + serverNames[0], "-validity", "30",
                    "-keystore", serverStore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
            keytool("-certreq", "-alias", "server", "-keystore", serverStore.toString(),
                    "-storepass", new String(PASSWORD), "-file", request.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", new String(PASSWORD),
                    "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "30",
                    "-startdate", "-1d", "-ext", "san=" + subjectAltNames(serverNames), "-ext", "ku:c=digitalSignature",
                    "-ext", "eku=serverAuth", "-ext", "bc:c=ca:false");

            X509Certificate ca = (X509Certificate) load(caStore).getCertificate("ca");
            PrivateKey key = (PrivateKey) load(serverStore).getKey("server", PASSWORD);
            X509Certificate server;
            try (InputStream in = Files.newInputStream(signed)) {
                server = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            TestCa testCa = new TestCa(directory, ca, server, key);
            testCa.writeFiles();
            return testCa;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read keytool's output: " + e.getMessage(), e);
        }
    }

    /** An SSLContext for a TLS server presenting the server certificate and the CA. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(serverKeyStore, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSLContext for a TLS client that trusts this CA (and nothing else). */
    public SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKIX trust manager that trusts this CA and nothing else. */
    public X509ExtendedTrustManager trustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trustStore);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An in-memory key store holding the CA certificate as a trusted entry. Do not modify. */
    public KeyStore trustStore() {
        return trustStore;
    }

    /** The trust store as a PKCS#12 file, password {@link #storePassword()}. */
    public Path trustStoreFile() {
        return directory.resolve("truststore.p12");
    }

    /** The password of {@link #trustStoreFile()}. */
    public String storePassword() {
        return new String(PASSWORD);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** The CA certificate, PEM. */
    public Path caCertificatePem() {
        return directory.resolve("ca.pem");
    }

    /** The server certificate followed by the CA certificate, PEM (Postfix {@code smtpd_tls_cert_file}). */
    public Path serverChainPem() {
        return directory.resolve("server-chain.pem");
    }

    /** The server's private key, unencrypted PKCS#8 PEM (Postfix {@code smtpd_tls_key_file}); mode 600. */
    public Path serverKeyPem() {
        return directory.resolve("server-key.pem");
    }

    /** The directory holding every file. */
    public Path directory() {
        return directory;
    }

    private void writeFiles() throws IOException, GeneralSecurityException {
        Files.writeString(caCertificatePem(), pem("CERTIFICATE", caCertificate.getEncoded()));
        Files.writeString(serverChainPem(), pem("CERTIFICATE", serverCertificate.getEncoded())
                + pem("CERTIFICATE", caCertificate.getEncoded()));
        Path key = serverKeyPem();
        Files.writeString(key, pem("PRIVATE KEY", serverKey.getEncoded()));
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system: the key is test-only anyway.
        }
        try (var out = Files.newOutputStream(trustStoreFile())) {
            trustStore.store(out, PASSWORD);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String subjectAltNames(String[] names) {
        List<String> entries = new ArrayList<>();
        for (String name : names) {
            boolean ip = name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
            entries.add((ip ? "ip:" : "dns:") + name.toLowerCase(Locale.ROOT));
        }
        return String.join(",", entries);
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is a short-lived JVM: C1 only starts it about three times faster.
        command.add("-J-XX:TieredStopAtLevel=1");
        command.add("-J-XX:+UseSerialGC");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed with exit " + process.exitValue() + ": " + output.strip());
        }
    }
}
