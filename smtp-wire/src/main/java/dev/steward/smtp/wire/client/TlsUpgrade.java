package dev.steward.smtp.wire.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Puts TLS on a connected plaintext socket, as a client, for STARTTLS (RFC 3207) and implicit TLS
 * (RFC 8314). TLS 1.2 and 1.3 only. The handshake has one deadline for the whole exchange: the
 * session's {@link IoWatchdog} closes the socket at the deadline, whatever the handshake waits for.
 *
 * <p>Verification is recorded, not enforced, unless {@link TlsSettings#requireVerified()}: a
 * {@link RecordingTrustManager} runs the PKIX check and the host name check (endpoint
 * identification "HTTPS", RFC 6125 rules) and keeps the failure instead of throwing it.
 *
 * <p>XXX a fresh {@code SSLContext} per handshake, because the recording trust manager holds
 * per-connection state; that also means no TLS session resumption. Connections are reused for
 * several messages, so the cost is one context per connection.
 */
final class TlsUpgrade {

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The handshake's result: the TLS socket and its outcome, or a failure (the socket is closed). */
    record Result(SSLSocket socket, TlsOutcome outcome) {
    }

    private TlsUpgrade() {
    }

    /**
     * @param serverName the name to verify and to send as SNI: the MX or smarthost host name, or an
     *                   IP literal (then verified against IP subjectAltNames, no SNI)
     * @param started    System.nanoTime() when the TLS stage began, for elapsed times
     */
    static Result handshake(Socket plain, String serverName, TlsSettings settings, Duration limit,
                            IoWatchdog watchdog, long started) {
        RecordingTrustManager trust = new RecordingTrustManager(settings.trustManager(), settings.requireVerified());
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, plain.getPort(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no usable TLS: " + e.getMessage(), e);
        } catch (IOException e) {
            return failed(TlsOutcome.Reason.CONNECTION_LOST, e, started);
        }
        try {
            tls.setUseClientMode(true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(enabledProtocols(tls.getSupportedProtocols()));
            // RFC 7817 §3 defers to RFC 6125; the JDK's "HTTPS" check implements those rules.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            watchdog.arm(limit); // no SO_TIMEOUT: the socket stays in blocking mode (see IoWatchdog)
            try {
                tls.startHandshake();
            } finally {
                watchdog.disarm();
            }
            SSLSession session = tls.getSession();
            if (!session.isValid() || "SSL_NULL_WITH_NULL_NULL".equals(session.getCipherSuite())) {
                // The JDK reports some handshake failures this way instead of throwing.
                return failed(TlsOutcome.Reason.HANDSHAKE, new SSLException("no TLS session was negotiated"), started);
            }
            String problem = trust.problem();
            return new Result(tls, new TlsOutcome.Established(session.getProtocol(), session.getCipherSuite(),
                    problem == null, problem, peerSubject(session), since(started)));
        } catch (IOException e) {
            TlsOutcome.Reason reason;
            if (watchdog.fired() || e instanceof SocketTimeoutException) {
                reason = TlsOutcome.Reason.TIMEOUT;
            } else if (settings.requireVerified() && trust.problem() != null) {
                reason = TlsOutcome.Reason.UNVERIFIED;
                e = new SSLException(trust.problem(), e);
            } else if (e instanceof SSLException && !causedByConnectionLoss(e)) {
                reason = TlsOutcome.Reason.HANDSHAKE;
            } else {
                reason = TlsOutcome.Reason.CONNECTION_LOST;
            }
            return failed(reason, e, started);
        }
    }

    private static Result failed(TlsOutcome.Reason reason, IOException e, long started) {
        return new Result(null, new TlsOutcome.Failed(reason, String.valueOf(e.getMessage()), since(started)));
    }

    private static boolean causedByConnectionLoss(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException || (cause instanceof SocketException && !(cause instanceof SSLException))) {
                return true;
            }
        }
        return false;
    }

    private static String[] enabledProtocols(String[] supported) {
        List<String> enabled = new ArrayList<>();
        for (String protocol : PROTOCOLS) {
            if (List.of(supported).contains(protocol)) {
                enabled.add(protocol);
            }
        }
        if (enabled.isEmpty()) {
            throw new IllegalStateException("the JDK supports neither TLSv1.3 nor TLSv1.2");
        }
        return enabled.toArray(String[]::new);
    }

    private static String peerSubject(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
            }
        } catch (SSLPeerUnverifiedException anonymous) {
            // No certificate: the subject stays unknown.
        }
        return null;
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Runs the real PKIX and host name checks and remembers the first failure. Rethrows it only
     * when verification is required, so an opportunistic handshake completes with an unverified
     * server. Used by one handshake on one thread; {@link #problem()} is read after it.
     */
    static final class RecordingTrustManager extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager delegate;
        private final boolean enforce;
        private volatile boolean checked;   // a server chain was presented and checked
        private volatile String problem;    // why verification failed; null if it passed

        RecordingTrustManager(X509ExtendedTrustManager delegate, boolean enforce) {
            this.delegate = delegate;
            this.enforce = enforce;
        }

        /** Why the server is not verified, or null when it is. */
        String problem() {
            if (problem == null && !checked) {
                return "no server certificate was checked";
            }
            return problem;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
                checked = true;
            } catch (CertificateException e) {
                fail(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
                checked = true;
            } catch (CertificateException e) {
                fail(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            // Only reached without a socket or engine, where no host name is known: never verified.
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                fail(e);
                return;
            }
            fail(new CertificateException("no host name to verify the certificate against"));
        }

        private void fail(CertificateException e) throws CertificateException {
            checked = true;
            if (problem == null) {
                problem = String.valueOf(e.getMessage());
            }
            if (enforce) {
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client session does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client session does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client session does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
