package dev.steward.agent.daemon;

import dev.steward.relay.admin.RelayMetrics;
import dev.steward.relay.delivery.DeliveryStatus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.steward.relay.admin.AdminServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the heartbeat reports about the relay: queue counts, delivery totals (recipients since the
 * relay started) and the free space of the queue's file system. Read in-process from the relay's
 * counters ({@link #of}) when the relay runs in the agent's process, or through the relay's admin
 * socket ({@link #ofAdminSocket}) when it runs in a unit of its own (the Debian package).
 *
 * <p>Thread safety: implementations are thread-safe (read-only).
 */
public interface RelayStatus {

    /** Messages being delivered or new (not tried yet). */
    int active();

    /** Messages waiting for a retry. */
    int deferred();

    /** Messages on hold ({@code queue hold ID}). */
    int held();

    /** Recipients delivered since the relay started. */
    long delivered();

    /** Recipients bounced or expired since the relay started. */
    long bounced();

    /** Usable bytes on the queue's file system. */
    long freeDiskBytes();

    /** The status of a relay with {@code metrics} whose queue is {@code queueDirectory}. */
    static RelayStatus of(RelayMetrics metrics, Path queueDirectory) {
        return new RelayStatus() {
            @Override
            public int active() {
                Map<String, Integer> sizes = metrics.queueSizes();
                return sizes.getOrDefault("active", 0) + sizes.getOrDefault("incoming", 0);
            }

            @Override
            public int deferred() {
                return metrics.queueSizes().getOrDefault("deferred", 0);
            }

            @Override
            public int held() {
                Path hold = queueDirectory.resolve("hold");
                if (!Files.isDirectory(hold)) {
                    return 0;
                }
                int count = 0;
                try (DirectoryStream<Path> envelopes = Files.newDirectoryStream(hold, "*.env")) {
                    for (Path ignored : envelopes) {
                        count++;
                    }
                } catch (IOException unreadable) {
                    return 0;
                }
                return count;
            }

            @Override
            public long delivered() {
                return metrics.recipients(DeliveryStatus.SENT);
            }

            @Override
            public long bounced() {
                return metrics.recipients(DeliveryStatus.BOUNCED) + metrics.recipients(DeliveryStatus.EXPIRED);
            }

            @Override
            public long freeDiskBytes() {
                try {
                    return Files.getFileStore(queueDirectory).getUsableSpace();
                } catch (IOException unreadable) {
                    return 0;
                }
            }
        };
    }

    /**
     * The status of a relay running in another process whose queue is {@code queueDirectory}: its
     * counters come from the {@code metrics} request on the admin socket ({@code queue/admin.sock}),
     * fetched at most once a second. A relay that does not answer counts as zeros (a heartbeat is
     * never missed for it).
     */
    static RelayStatus ofAdminSocket(Path queueDirectory, Clock clock) {
        return new RelayStatus() {
            private Map<String, Long> counters = Map.of(); // guarded by this
            private Instant fetched = Instant.MIN;           // guarded by this

            private synchronized long value(String series) {
                Instant now = clock.instant();
                if (Duration.between(fetched, now).compareTo(Duration.ofSeconds(1)) >= 0) {
                    counters = fetch(queueDirectory.resolve(AdminServer.SOCKET));
                    fetched = now;
                }
                return counters.getOrDefault(series, 0L);
            }

            @Override
            public int active() {
                return (int) (value("steward_queue_messages{state=\"active\"}")
                        + value("steward_queue_messages{state=\"incoming\"}"));
            }

            @Override
            public int deferred() {
                return (int) value("steward_queue_messages{state=\"deferred\"}");
            }

            @Override
            public int held() {
                return of(null, queueDirectory).held();
            }

            @Override
            public long delivered() {
                return value("steward_deliveries_total{status=\"" + DeliveryStatus.SENT.tag() + "\"}");
            }

            @Override
            public long bounced() {
                return value("steward_deliveries_total{status=\"" + DeliveryStatus.BOUNCED.tag() + "\"}")
                        + value("steward_deliveries_total{status=\"" + DeliveryStatus.EXPIRED.tag() + "\"}");
            }

            @Override
            public long freeDiskBytes() {
                return of(null, queueDirectory).freeDiskBytes();
            }
        };
    }

    /** The series of the relay's metrics text (series with labels → value); empty when it does not answer. */
    private static Map<String, Long> fetch(Path socket) {
        String answer;
        try {
            answer = AdminServer.request(socket, "metrics");
        } catch (IOException notRunning) {
            return Map.of();
        }
        if (!answer.startsWith("ok\n")) {
            return Map.of();
        }
        return parseMetrics(answer.substring(3));
    }

    /** Integer samples of a Prometheus text exposition: {@code name{labels} value} → value. */
    static Map<String, Long> parseMetrics(String text) {
        Pattern sample = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) ([0-9]{1,18})$");
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher matcher = sample.matcher(line);
            if (matcher.matches()) {
                values.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
        }
        return Map.copyOf(values);
    }
}
