package dev.steward.smtp.wire.client;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How {@link ClientSession#startTls} and {@link ClientSession#implicitTls} check the server.
 *
 * <p>The certificate chain is always checked with {@code trustManager} (PKIX) and the server name
 * with the RFC 6125 rules the JDK applies to HTTPS (subjectAltName DNS names with a left-most
 * wildcard, IP addresses; the subject CN only when there is no DNS name). The result is always
 * recorded in {@link TlsOutcome.Established#verified()}. With {@code requireVerified} false
 * (opportunistic TLS, RFC 7435, as for MX delivery) an unverified server is still used: encryption
 * without authentication beats plaintext. With {@code requireVerified} true (a smarthost that gets
 * our password) verification failure ends the handshake and is a {@link TlsOutcome.Failed}.
 *
 * @param requireVerified whether a server that fails verification is refused
 * @param trustManager    the PKIX trust manager checking the chain; {@link #defaultTrust()} uses
 *                        the JDK's {@code cacerts}
 *
 * <p>Thread safety: immutable; the JDK trust managers are thread-safe.
 */
public record TlsSettings(boolean requireVerified, X509ExtendedTrustManager trustManager) {

    public TlsSettings {
        Objects.requireNonNull(trustManager, "trustManager");
    }

    /** Opportunistic TLS with the JDK's default trust anchors. */
    public static TlsSettings opportunistic() {
        return new TlsSettings(false, defaultTrust());
    }

    /** Verified TLS with the JDK's default trust anchors. */
    public static TlsSettings verified() {
        return new TlsSettings(true, defaultTrust());
    }

    /** The PKIX trust manager over the JDK's default trust anchors ({@code cacerts}). */
    public static X509ExtendedTrustManager defaultTrust() {
        return trustFrom(null);
    }

    /**
     * The PKIX trust manager over the given trust anchors.
     *
     * @param trustStore certificates to trust, or null for the JDK's default trust anchors
     */
    public static X509ExtendedTrustManager trustFrom(KeyStore trustStore) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trustStore);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load trust anchors: " + e.getMessage(), e);
        }
    }
}
