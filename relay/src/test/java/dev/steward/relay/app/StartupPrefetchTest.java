package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.smtp.wire.client.TlsSettings;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

class StartupPrefetchTest {

    @Test
    void thePrefetchedTrustAnchorsAreTheJdkDefaultOnesAndEveryCallGetsTheSameManager() {
        StartupPrefetch prefetch = StartupPrefetch.begin();

        X509ExtendedTrustManager first = prefetch.defaultTrust();

        Set<X509Certificate> expected = Set.of(TlsSettings.defaultTrust().getAcceptedIssuers());
        assertThat(expected).isNotEmpty();
        assertThat(Set.of(first.getAcceptedIssuers())).isEqualTo(expected);
        assertThat(prefetch.defaultTrust()).isSameAs(first);
    }

    @Test
    void waitingKeepsTheCallersInterruptFlag() {
        StartupPrefetch prefetch = StartupPrefetch.begin();
        Thread.currentThread().interrupt();
        try {
            assertThat(prefetch.defaultTrust().getAcceptedIssuers()).isNotEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
