package dev.steward.agent.daemon;

import dev.steward.relay.admin.RelayMetrics;
import dev.steward.relay.delivery.DeliveryStatus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the heartbeat reports about the relay running in the same process: queue counts, delivery
 * totals (recipients since the relay started) and the free space of the queue's file system.
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
}
