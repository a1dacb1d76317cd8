package dev.steward.relay.admin;

import dev.steward.relay.delivery.DeliveryStatus;
import dev.steward.relay.delivery.TlsSummary;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueManager;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The relay's metrics in the Prometheus text exposition format (version 0.0.4): deliveries by
 * status, TLS versus plaintext, a histogram of delivery delay (arrival to outcome), messages
 * accepted, and queue sizes by state (read when scraped). Fed by the queue manager's events.
 *
 * <p>Thread safety: thread-safe (atomic counters; the text is built per scrape).
 */
public final class RelayMetrics implements QueueManager.Events {

    /** Upper bounds of the delay histogram, in seconds (Prometheus {@code le}). */
    static final double[] BUCKETS = {0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600, 14_400, 86_400};

    private final Map<DeliveryStatus, AtomicLong> byStatus = new EnumMap<>(DeliveryStatus.class);
    private final AtomicLong tlsEncrypted = new AtomicLong(); // recipients sent over TLS
    private final AtomicLong tlsPlaintext = new AtomicLong(); // without TLS (not offered)
    private final AtomicLong tlsFallback = new AtomicLong(); // without TLS after a failed handshake
    private final AtomicLongArray delayBuckets = new AtomicLongArray(BUCKETS.length);
    private final AtomicLong delayCount = new AtomicLong();
    private final AtomicLong delaySumMillis = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    private volatile Supplier<Map<String, Integer>> queueSizes = Map::of; // set once the queue manager runs

    public RelayMetrics() {
        for (DeliveryStatus status : DeliveryStatus.values()) {
            byStatus.put(status, new AtomicLong());
        }
    }

    /** Where the queue sizes come from (the queue manager, plus messages on hold). */
    public void queueSizes(Supplier<Map<String, Integer>> sizes) {
        this.queueSizes = sizes;
    }

    /**
     * The queue sizes by state now ({@code active}, {@code incoming}, {@code deferred}); empty
     * before the queue manager runs or when delivery is off. Read-only, for the agent's heartbeat.
     */
    public Map<String, Integer> queueSizes() {
        return Map.copyOf(queueSizes.get());
    }

    /**
     * How many recipient delivery attempts ended with {@code status} since the relay started (the
     * counter behind {@code steward_deliveries_total}). Read-only, for the agent's heartbeat.
     */
    public long recipients(DeliveryStatus status) {
        return byStatus.get(status).get();
    }

    @Override
    public void recipientAttempted(DeliveryStatus status, TlsSummary tls, Duration delay) {
        byStatus.get(status).incrementAndGet();
        if (status != DeliveryStatus.SENT) {
            return;
        }
        switch (tls) {
            case TlsSummary.Encrypted encrypted -> tlsEncrypted.incrementAndGet();
            case TlsSummary.Plaintext plaintext -> (plaintext.fallback() ? tlsFallback : tlsPlaintext).incrementAndGet();
        }
        double seconds = delay.toNanos() / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                delayBuckets.incrementAndGet(i);
            }
        }
        delayCount.incrementAndGet();
        delaySumMillis.addAndGet(delay.toMillis());
    }

    @Override
    public void removed(QueueId id) {
        removed.incrementAndGet();
    }

    /** The exposition text. */
    public String render() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP steward_queue_messages Messages in the queue by state.\n");
        out.append("# TYPE steward_queue_messages gauge\n");
        queueSizes.get().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry ->
                out.append("steward_queue_messages{state=\"").append(entry.getKey()).append("\"} ")
                        .append(entry.getValue()).append('\n'));
        out.append("# HELP steward_deliveries_total Recipient delivery attempts by outcome (one per delivery log line).\n");
        out.append("# TYPE steward_deliveries_total counter\n");
        for (Map.Entry<DeliveryStatus, AtomicLong> entry : byStatus.entrySet()) {
            out.append("steward_deliveries_total{status=\"").append(entry.getKey().tag()).append("\"} ")
                    .append(entry.getValue().get()).append('\n');
        }
        out.append("# HELP steward_delivered_tls_total Recipients delivered, by connection protection.\n");
        out.append("# TYPE steward_delivered_tls_total counter\n");
        out.append("steward_delivered_tls_total{tls=\"encrypted\"} ").append(tlsEncrypted.get()).append('\n');
        out.append("steward_delivered_tls_total{tls=\"none\"} ").append(tlsPlaintext.get()).append('\n');
        out.append("steward_delivered_tls_total{tls=\"fallback\"} ").append(tlsFallback.get()).append('\n');
        out.append("# HELP steward_delivery_delay_seconds Time from arrival to delivery, per delivered recipient.\n");
        out.append("# TYPE steward_delivery_delay_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("steward_delivery_delay_seconds_bucket{le=\"").append(format(BUCKETS[i])).append("\"} ")
                    .append(delayBuckets.get(i)).append('\n');
        }
        out.append("steward_delivery_delay_seconds_bucket{le=\"+Inf\"} ").append(delayCount.get()).append('\n');
        out.append("steward_delivery_delay_seconds_sum ").append(format(delaySumMillis.get() / 1000.0)).append('\n');
        out.append("steward_delivery_delay_seconds_count ").append(delayCount.get()).append('\n');
        out.append("# HELP steward_messages_removed_total Messages that left the queue (delivered, bounced, deleted).\n");
        out.append("# TYPE steward_messages_removed_total counter\n");
        out.append("steward_messages_removed_total ").append(removed.get()).append('\n');
        return out.toString();
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }
}
