package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.testkit.RecordingSmtpServer;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idle connections are closed (QUIT) after idle_timeout even when no more mail goes there. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionCacheIT {

    @Test
    void idleConnection_noFurtherMail_closedByTheSweeper() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().start()) {
            ClientSession session = ClientSession.over(new Socket(server.host(), server.port()), ClientTimeouts.RFC5321);
            session.readGreeting();
            session.ehlo("relay.test");
            ConnectionCache cache = new ConnectionCache(Duration.ofMillis(200), 100);
            try {
                cache.offer("example.test", new ConnectionCache.Cached(session, RemoteHost.of("mx", server.address().getAddress(),
                        server.port()), TlsSummary.NONE, 1, System.nanoTime()));
                assertThat(cache.idleCount()).isEqualTo(1);

                server.awaitNoOpenConnections(Duration.ofSeconds(10));
                assertThat(cache.idleCount()).isZero();
                assertThat(server.connection(0).transcript()).anyMatch(line -> line.startsWith("C: QUIT"));
            } finally {
                cache.closeAll();
            }
        }
    }

    @Test
    void sweep_freshConnectionKept_staleOneClosed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().start()) {
            ConnectionCache cache = new ConnectionCache(Duration.ofHours(1), 100);
            try {
                ClientSession fresh = ClientSession.over(new Socket(server.host(), server.port()), ClientTimeouts.RFC5321);
                fresh.readGreeting();
                ClientSession stale = ClientSession.over(new Socket(server.host(), server.port()), ClientTimeouts.RFC5321);
                stale.readGreeting();
                RemoteHost host = RemoteHost.of("mx", server.address().getAddress(), server.port());
                cache.offer("a.test", new ConnectionCache.Cached(fresh, host, TlsSummary.NONE, 1, System.nanoTime()));
                cache.offer("b.test", new ConnectionCache.Cached(stale, host, TlsSummary.NONE, 1,
                        System.nanoTime() - TimeUnit.HOURS.toNanos(2)));
                assertThat(cache.idleCount()).isEqualTo(1); // offer() already drops an expired one
                assertThat(cache.sweep()).isZero();
                assertThat(cache.idleCount()).isEqualTo(1);
            } finally {
                cache.closeAll();
            }
            server.awaitNoOpenConnections(Duration.ofSeconds(10));
        }
    }
}
