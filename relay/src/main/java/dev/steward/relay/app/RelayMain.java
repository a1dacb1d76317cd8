package dev.steward.relay.app;

import dev.steward.common.text.LogLine;
import dev.steward.relay.cleanup.Cleanup;
import dev.steward.relay.cleanup.HeaderStamps;
import dev.steward.relay.intake.HostPort;
import dev.steward.relay.intake.SmtpIntakeServer;
import dev.steward.relay.policy.SenderPolicy;
import dev.steward.relay.queue.QueueStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay process (Postfix master): wires queue, cleanup and intake by hand, owns their
 * lifecycle, and stops them in reverse order on SIGTERM/SIGINT.
 *
 * <p>Thread safety: one-thread-at-a-time ({@code start}, then {@code close}).
 */
public final class RelayMain implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayMain.class);

    private final RelayConfig config;
    private QueueStore queue;             // open between start and close
    private SmtpIntakeServer intake;      // running between start and close

    public RelayMain(RelayConfig config) {
        this.config = config;
    }

    /** Opens the queue (running recovery) and starts the intake; throws before any port is open on failure. */
    public void start() throws IOException {
        if (queue != null) {
            throw new IllegalStateException("relay already started");
        }
        String hostname = config.server().hostname();
        queue = QueueStore.open(config.queue().directory());
        var recovery = queue.recovery();
        Cleanup cleanup = new Cleanup(new SenderPolicy(config.intake().appDomains()), queue,
                new HeaderStamps(hostname, Clock.systemDefaultZone()));
        intake = new SmtpIntakeServer(config.intake(), hostname, config.queue().directory().resolve("tmp"), cleanup);
        try {
            intake.start();
        } catch (IOException bindFailure) {
            queue.close();
            queue = null;
            throw bindFailure;
        }
        log.info(LogLine.of("relay_started").field("listen", listenText(intake.boundAddresses()))
                .field("hostname", hostname).field("queue", config.queue().directory())
                .field("app_domains", config.intake().appDomains().stream().map(d -> d.ascii()).collect(Collectors.joining(",")))
                .field("recovered", recovery.recovered()).field("removed_partial", recovery.removedPartial())
                .field("moved_corrupt", recovery.movedCorrupt()).field("replayed", recovery.replayed())
                .field("startup_ms", System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                .toString());
    }

    public List<InetSocketAddress> boundAddresses() {
        return intake.boundAddresses();
    }

    static String listenText(List<InetSocketAddress> addresses) {
        return addresses.stream().map(HostPort::format).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        if (intake != null) {
            intake.stop(Duration.ofSeconds(10));
            intake = null;
        }
        if (queue != null) {
            try {
                queue.close();
            } catch (Exception closeFailure) {
                log.warn("queue close failed: {}", closeFailure.toString());
            }
            queue = null;
        }
        log.info(LogLine.of("relay_stopped").toString());
    }

    /** Runs until the JVM is asked to stop; returns the exit code. */
    static int runForeground(RelayConfig config) {
        RelayMain relay = new RelayMain(config);
        try {
            relay.start();
        } catch (IOException startFailure) {
            log.error(LogLine.of("relay_start_failed").field("error", startFailure.getMessage()).toString());
            System.err.println("steward relay: " + startFailure.getMessage());
            return 71; // EX_OSERR: cannot bind or cannot open the queue
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            stopped.countDown();
        }, "relay-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
