package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.admin.AdminServer;
import dev.steward.relay.admin.RelayMetrics;
import dev.steward.relay.delivery.DeliveryStatus;
import dev.steward.relay.delivery.TlsSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat's view of a relay in another process: the admin socket's {@code metrics} request. */
class RelayStatusTest {

    @TempDir
    Path queue;

    @Test
    void ofAdminSocket_readsTheRelaysCounters_andZerosWhenItIsGone() throws Exception {
        RelayMetrics metrics = new RelayMetrics();
        metrics.queueSizes(() -> Map.of("active", 2, "incoming", 1, "deferred", 3));
        metrics.recipientAttempted(DeliveryStatus.SENT, new TlsSummary.Plaintext(false), Duration.ofSeconds(1));
        metrics.recipientAttempted(DeliveryStatus.SENT, new TlsSummary.Plaintext(false), Duration.ofSeconds(2));
        metrics.recipientAttempted(DeliveryStatus.BOUNCED, new TlsSummary.Plaintext(false), Duration.ofSeconds(1));
        metrics.recipientAttempted(DeliveryStatus.EXPIRED, new TlsSummary.Plaintext(false), Duration.ofSeconds(1));
        metrics.recipientAttempted(DeliveryStatus.DEFERRED, new TlsSummary.Plaintext(false), Duration.ofSeconds(1));
        Files.createDirectories(queue.resolve("hold"));
        Files.writeString(queue.resolve("hold/0001.env"), "held");
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-28T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        RelayStatus status = RelayStatus.ofAdminSocket(queue, clock);

        AdminServer admin = new AdminServer(queue, null, () -> "", metrics::render);
        admin.start();
        try {
            assertThat(status.active()).isEqualTo(3);
            assertThat(status.deferred()).isEqualTo(3);
            assertThat(status.delivered()).isEqualTo(2);
            assertThat(status.bounced()).as("bounced and expired").isEqualTo(2);
            assertThat(status.held()).isEqualTo(1);
            assertThat(status.freeDiskBytes()).isPositive();
        } finally {
            admin.close();
        }
        assertThat(status.delivered()).as("fetched at most once a second").isEqualTo(2);
        now.set(now.get().plusSeconds(2));
        assertThat(status.delivered()).as("a relay that does not answer counts as zeros").isZero();
        assertThat(status.active()).isZero();
    }

    @Test
    void parseMetrics_takesIntegerSamples_skipsCommentsAndFractions() {
        assertThat(RelayStatus.parseMetrics("""
                # HELP steward_deliveries_total x
                steward_deliveries_total{status="sent"} 7
                steward_delivery_delay_seconds_sum 1.5
                steward_messages_removed_total 4
                """)).containsOnly(Map.entry("steward_deliveries_total{status=\"sent\"}", 7L),
                Map.entry("steward_messages_removed_total", 4L));
    }
}
