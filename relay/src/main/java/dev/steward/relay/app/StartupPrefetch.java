package dev.steward.relay.app;

import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.smtp.wire.client.TlsSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.LoggerFactory;

/**
 * Start-up work of the relay's delivery side that needs no configuration, begun on a second
 * thread while the main thread sets up logging, opens the queue and builds the intake: the
 * JDK's trust anchors ({@code cacerts}, about 150 certificates parsed), the JSSE's cipher-suite and
 * algorithm tables (the first {@code SSLContext}), and dnsjava's record-type tables. Done on the
 * main thread, in that order, they took about 0.15 s of a start of 0.6-0.8 s to the first
 * {@code 220} (docs/benchmarks-e2e.md, "Startup"), all of it before the intake listens, because
 * the queue manager is built before the intake starts. {@link RelayMain#start} begins it, for a
 * relay that delivers and checks certificates against the JDK's anchors (a relay with delivery off
 * would keep these classes and the anchors in memory for nothing).
 *
 * <p>Logging is set up on the calling thread before the second thread starts: dnsjava's classes
 * get SLF4J loggers in their static initialisers, and a thread asking SLF4J for a logger while
 * another one is initialising it is handed a substitute logger for good.
 *
 * <p>Thread safety: thread-safe; {@link #defaultTrust} may be called from any thread, any number
 * of times.
 */
final class StartupPrefetch {

    private final FutureTask<X509ExtendedTrustManager> trust;

    private StartupPrefetch(FutureTask<X509ExtendedTrustManager> trust) {
        this.trust = trust;
    }

    /** Sets up logging on this thread, then starts the prefetch on a daemon thread. */
    static StartupPrefetch begin() {
        LoggerFactory.getILoggerFactory();
        FutureTask<X509ExtendedTrustManager> task = new FutureTask<>(StartupPrefetch::prefetch);
        Thread.ofPlatform().daemon().name("relay-prefetch").start(task);
        return new StartupPrefetch(task);
    }

    private static X509ExtendedTrustManager prefetch() throws GeneralSecurityException {
        X509ExtendedTrustManager anchors = TlsSettings.defaultTrust();
        SSLContext.getInstance("TLS").init(null, new TrustManager[] {anchors}, null);
        // Builds dnsjava's transport for a server it never asks: no socket, no resolv.conf.
        new DnsjavaResolver(new DnsConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DnsConfig.DEFAULT_PORT)),
                DnsConfig.DEFAULT_TIMEOUT, DnsConfig.DEFAULT_ATTEMPTS));
        return anchors;
    }

    /**
     * The PKIX trust manager over the JDK's default trust anchors, as {@link TlsSettings#defaultTrust()}
     * returns it; waits for the prefetch.
     *
     * @throws IllegalStateException if the trust anchors cannot be loaded (as {@code defaultTrust})
     */
    X509ExtendedTrustManager defaultTrust() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return trust.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the start is not abandoned halfway; the flag is kept
                }
            }
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot load trust anchors: " + failed.getCause().getMessage(), failed.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
