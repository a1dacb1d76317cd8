package dev.steward.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.delivery.DeliveryStatus;
import dev.steward.relay.delivery.TlsSummary;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read-only accessors the agent's heartbeat uses agree with the exposition text. */
class RelayMetricsTest {

    @Test
    void accessors_matchTheRenderedCounters() {
        RelayMetrics metrics = new RelayMetrics();
        assertThat(metrics.queueSizes()).as("before the queue manager runs").isEmpty();
        metrics.queueSizes(() -> Map.of("active", 1, "incoming", 2, "deferred", 3));
        metrics.recipientAttempted(DeliveryStatus.SENT, new TlsSummary.Plaintext(false), Duration.ofMillis(20));
        metrics.recipientAttempted(DeliveryStatus.SENT, new TlsSummary.Plaintext(false), Duration.ofMillis(30));
        metrics.recipientAttempted(DeliveryStatus.BOUNCED, new TlsSummary.Plaintext(false), Duration.ofSeconds(1));

        assertThat(metrics.queueSizes()).isEqualTo(Map.of("active", 1, "incoming", 2, "deferred", 3));
        assertThat(metrics.recipients(DeliveryStatus.SENT)).isEqualTo(2);
        assertThat(metrics.recipients(DeliveryStatus.BOUNCED)).isEqualTo(1);
        assertThat(metrics.recipients(DeliveryStatus.EXPIRED)).isZero();
        assertThat(metrics.render()).contains("steward_deliveries_total{status=\"sent\"} 2")
                .contains("steward_deliveries_total{status=\"bounced\"} 1")
                .contains("steward_queue_messages{state=\"deferred\"} 3");
    }
}
