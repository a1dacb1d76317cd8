package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.text.LogLine;
import dev.steward.relay.cleanup.Cleanup;
import dev.steward.relay.cleanup.HeaderStamps;
import dev.steward.relay.cleanup.MessageSigning;
import dev.steward.relay.intake.HostPort;
import dev.steward.relay.intake.SmtpIntakeServer;
import dev.steward.relay.policy.SenderPolicy;
import dev.steward.mail.dns.AddressPreference;
import dev.steward.mail.dns.CachingResolver;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.LocalAddresses;
import dev.steward.mail.dns.MxLookup;
import dev.steward.mail.dns.Resolver;
import dev.steward.relay.admin.AdminServer;
import dev.steward.relay.admin.MetricsServer;
import dev.steward.relay.admin.RelayMetrics;
import dev.steward.relay.delivery.MtaStsHttpsClient;
import dev.steward.relay.delivery.MtaStsPolicies;
import dev.steward.relay.delivery.MxDeliveryAgent;
import dev.steward.relay.policy.ExpiryPolicy;
import dev.steward.relay.policy.FailureClassifier;
import dev.steward.relay.policy.RetryPolicy;
import dev.steward.relay.queue.QueueManager;
import dev.steward.relay.queue.QueueOperations;
import dev.steward.relay.queue.QueueStore;
import dev.steward.smtp.wire.client.TlsSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.net.ssl.X509ExtendedTrustManager;
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
    private final Clock clock;
    private final X509ExtendedTrustManager trustAnchors; // null: the JDK's cacerts
    private QueueStore queue;             // open between start and close
    private SmtpIntakeServer intake;      // running between start and close
    private QueueManager manager;         // running between start and close, when delivery is enabled
    private MxDeliveryAgent agent;        // with the manager
    private AdminServer admin;            // running between start and close
    private MetricsServer metricsServer;  // running between start and close, when [metrics] listen is set
    private final RelayMetrics metrics = new RelayMetrics();
    private Cleanup cleanup;              // between start and close
    private ConfigSource configSource;    // where a DKIM reload reads the keys from; null: no reload

    /** Reads the relay's configuration again (the file it was started with). */
    @FunctionalInterface
    public interface ConfigSource {
        RelayConfig load() throws ConfigException;
    }

    public RelayMain(RelayConfig config) {
        this(config, Clock.systemUTC());
    }

    /** With a clock (tests). */
    public RelayMain(RelayConfig config, Clock clock) {
        this(config, clock, null);
    }

    /**
     * With a clock and the trust anchors for verified TLS (tests, which trust their own CA): the
     * certificates of the smarthost, of MTA-STS policy hosts and of MX hosts under an enforced
     * MTA-STS policy are checked against {@code trustAnchors}; null means the JDK's {@code cacerts}.
     */
    public RelayMain(RelayConfig config, Clock clock, X509ExtendedTrustManager trustAnchors) {
        this.config = config;
        this.clock = clock;
        this.trustAnchors = trustAnchors;
    }

    /** Opens the queue (running recovery) and starts the intake; throws before any port is open on failure. */
    public void start() throws IOException {
        if (queue != null) {
            throw new IllegalStateException("relay already started");
        }
        // The delivery side's trust anchors and tables load meanwhile, on another thread.
        StartupPrefetch prefetch = config.delivery().enabled() && trustAnchors == null ? StartupPrefetch.begin() : null;
        String hostname = config.server().hostname();
        queue = config.journalSegmentBytes() > 0
                ? QueueStore.openForTests(config.queue().directory(), config.journalSegmentBytes())
                : QueueStore.open(config.queue().directory());
        var recovery = queue.recovery();
        MessageSigning signing = null;
        if (config.dkim().enabled()) {
            signing = new MessageSigning(config.intake().appDomains(), config.dkim().keys().stream()
                    .map(key -> new MessageSigning.Key(key.selector(), key.privateKey())).toList(), clock);
        } else {
            log.warn(LogLine.of("dkim_disabled").field("reason", "no [dkim] key_file in the configuration")
                    .field("hint", "steward dkim keygen --domain APP_HOST --out DIR").toString());
        }
        cleanup = new Cleanup(new SenderPolicy(config.intake().appDomains()), queue,
                new HeaderStamps(hostname, Clock.systemDefaultZone()), signing);
        intake = new SmtpIntakeServer(config.intake(), hostname, config.queue().directory().resolve("tmp"), cleanup);
        try {
            if (config.delivery().enabled()) {
                startQueueManager(hostname, prefetch);
            }
            intake.start();
            if (manager != null) {
                manager.start();
            }
            admin = new AdminServer(queue.directory(), manager != null ? QueueOperations.of(manager, queue)
                    : QueueOperations.offline(queue), this::reloadDkim, metrics::render);
            admin.start();
            if (config.metricsListen() != null) {
                metricsServer = new MetricsServer(config.metricsListen(), metrics);
                metricsServer.start();
            }
        } catch (IOException | RuntimeException startFailure) {
            close();
            throw startFailure;
        }
        log.info(LogLine.of("relay_started").field("listen", listenText(intake.boundAddresses()))
                .field("hostname", hostname).field("queue", config.queue().directory())
                .field("app_domains", config.intake().appDomains().stream().map(d -> d.ascii()).collect(Collectors.joining(",")))
                .field("recovered", recovery.recovered()).field("removed_partial", recovery.removedPartial())
                .field("moved_corrupt", recovery.movedCorrupt()).field("replayed", recovery.replayed())
                .field("startup_ms", System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                .toString());
    }

    /** @param prefetch the JDK's trust anchors being loaded; null when {@code trustAnchors} were given */
    private void startQueueManager(String hostname, StartupPrefetch prefetch) throws IOException {
        FailureClassifier classifier = new FailureClassifier();
        Resolver resolver = new CachingResolver(new DnsjavaResolver(config.dns()));
        MxLookup lookup = new MxLookup(resolver,
                AddressPreference.valueOf(config.delivery().addressPreference().toUpperCase(Locale.ROOT)),
                config.delivery().ipv6(), new SplittableRandom());
        int port = config.mxPortOverride() > 0 ? config.mxPortOverride() : 25;
        // A mail loop: an MX that is this relay's own intake (listen address and port).
        Predicate<InetAddress> isSelf = LocalAddresses.of(config.intake().listen()).atPort(port);
        X509ExtendedTrustManager trust = prefetch != null ? prefetch.defaultTrust() : trustAnchors;
        MtaStsPolicies mtaSts = null;
        if (config.delivery().mtaSts() && !config.smarthost().enabled()) {
            MtaStsHttpsClient https = new MtaStsHttpsClient(resolver, trust, config.delivery(), config.httpsPortOverride());
            mtaSts = new MtaStsPolicies(resolver, https::fetch, clock);
        }
        agent = new MxDeliveryAgent(config.delivery(), config.smarthost(), hostname, lookup, classifier, isSelf,
                config.mxPortOverride(), new TlsSettings(false, trust), new TlsSettings(true, trust), mtaSts);
        var retry = config.queue().retry();
        String smarthostKey = config.smarthost().enabled() ? "[" + config.smarthost().host() + "]:" + config.smarthost().port() : null;
        manager = new QueueManager(queue, agent, classifier, new RetryPolicy(retry, clock), new ExpiryPolicy(retry, clock),
                clock, new QueueManager.Limits(config.delivery().maxConcurrency(), config.delivery().maxPerDestination()),
                smarthostKey != null ? recipient -> smarthostKey : QueueManager::domainOf,
                new Notices(queue, hostname, config.intake().appDomains(), clock), metrics);
        metrics.queueSizes(manager::countsByState);
        manager.load();
    }

    /** Where {@code GET /metrics} answers, when {@code [metrics] listen} is set (the real port for port 0). */
    public java.util.Optional<InetSocketAddress> metricsAddress() {
        return java.util.Optional.ofNullable(metricsServer).map(MetricsServer::address);
    }

    /** The metrics (tests). */
    public RelayMetrics metrics() {
        return metrics;
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
        if (metricsServer != null) {
            metricsServer.close();
            metricsServer = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (manager != null) {
            manager.stop(Duration.ofSeconds(10));
            manager = null;
        }
        if (agent != null) {
            agent.close();
            agent = null;
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

    /** Where {@code dkim-reload} (admin socket) reads the keys from; before {@link #start()}. */
    public RelayMain reloadFrom(ConfigSource source) {
        this.configSource = source;
        return this;
    }

    /**
     * Signs with the keys of the configuration as it is now, from the next message on. Only the
     * {@code [dkim]} section is taken; app domains and every other setting need a restart. Refused,
     * with the old keys still in use, when the file is invalid or has no key (a reload never turns
     * signing off).
     */
    String reloadDkim() {
        if (configSource == null) {
            throw new IllegalStateException("this relay was not started from a configuration file; restart it instead");
        }
        RelayConfig reread;
        try {
            reread = configSource.load();
        } catch (ConfigException invalid) {
            throw new IllegalStateException("the configuration is invalid, keys unchanged: "
                    + String.join("; ", invalid.problems().stream().map(Object::toString).toList()));
        }
        if (!reread.dkim().enabled()) {
            throw new IllegalStateException("the configuration has no [dkim] key_file; a reload does not turn signing off");
        }
        MessageSigning next = new MessageSigning(config.intake().appDomains(), reread.dkim().keys().stream()
                .map(key -> new MessageSigning.Key(key.selector(), key.privateKey())).toList(), clock);
        cleanup.replaceSigning(next);
        return "signing with " + reread.dkim().keys().stream().map(DkimConfig.Key::selector).collect(Collectors.joining(", "));
    }

    /** Runs until the JVM is asked to stop; returns the exit code. */
    static int runForeground(RelayConfig config, ConfigSource source) {
        RelayMain relay = new RelayMain(config).reloadFrom(source);
        try {
            relay.start();
        } catch (IOException startFailure) {
            log.error(LogLine.of("relay_start_failed").field("error", startFailure.getMessage()).toString());
            System.err.println("steward relay: " + startFailure.getMessage());
            return 71; // EX_OSERR: cannot bind or cannot open the queue
        }
        BatchedStdoutAppender batchedLog = LogSetup.batchStdout();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            if (batchedLog != null) {
                batchedLog.stop(); // last: writes the lines still queued, relay_stopped among them
            }
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
