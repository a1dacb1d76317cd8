package dev.steward.relay.delivery;

import dev.steward.common.text.LogLine;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxHost;
import dev.steward.mail.dns.MxLookup;
import dev.steward.mail.dns.MxRoute;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.policy.FailureClassifier;
import dev.steward.relay.policy.FailureFact;
import dev.steward.relay.policy.MtaStsPolicy;
import dev.steward.relay.policy.SmtpStage;
import dev.steward.relay.policy.StartTlsResult;
import dev.steward.relay.policy.TlsDecision;
import dev.steward.relay.policy.TlsPolicy;
import dev.steward.relay.policy.TlsPolicy.MtaStsMode;
import dev.steward.relay.policy.TlsPolicy.TlsLevel;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.AuthMechanism;
import dev.steward.smtp.wire.client.Capabilities;
import dev.steward.smtp.wire.client.ClientFailure;
import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.smtp.wire.client.OutboundEnvelope;
import dev.steward.smtp.wire.client.SmtpClientException;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.smtp.wire.client.TlsOutcome;
import dev.steward.smtp.wire.client.TlsSettings;
import dev.steward.smtp.wire.client.TransactionResult;
import dev.steward.smtp.wire.client.TransportNeeds;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery agent (Postfix {@code smtp}): resolves the destination, connects, greets, upgrades
 * to TLS, runs the mail transaction and reports one classified {@link AttemptResult} per
 * recipient. It never retries later or bounces: the queue manager does that.
 *
 * <p><b>Routing.</b> Direct: the recipient domain's MX hosts in preference order (equal ones
 * shuffled), each host's addresses in the configured family order ({@link MxLookup}); a
 * destination whose best MX is this relay is a mail loop ({@code 5.4.6}). Smarthost
 * ({@code [smarthost]}): the smarthost's addresses, TLS required and verified, AUTH inside TLS.
 * A failure that concerns the host (connect, greeting, EHLO, TLS, timeouts before MAIL) moves on
 * to the next address, then the next host, within the same attempt; once a server has answered
 * the transaction, its answers stand.
 *
 * <p><b>TLS (MAIL-3).</b> Opportunistic toward MX hosts: STARTTLS whenever offered, the
 * certificate checked and the result recorded but not required; if the handshake fails or
 * stalls, the same address is tried again at once without STARTTLS ({@code tls=fallback}, as
 * Postfix does with {@code smtp_tls_security_level = may}); a refused STARTTLS goes on in
 * plaintext. Toward a smarthost there is no plaintext ever. {@link TlsPolicy} makes each of
 * these decisions; this class carries them out.
 *
 * <p><b>MTA-STS (RFC 8461).</b> For direct delivery, with {@code [delivery] mta_sts = true}, the
 * recipient domain's policy comes from {@link MtaStsPolicies} after the MX lookup. Mode
 * {@code enforce}: MX hosts that match none of the policy's {@code mx} patterns are not used (none
 * left: {@link FailureFact.MxNotInMtaStsPolicy}, temporary), and TLS toward the others is required
 * and verified as toward a smarthost (no plaintext fallback; STARTTLS not offered, refused, failed
 * or an untrusted certificate defers). A cached connection is reused for such a domain only if it
 * is verified TLS to an allowed host. Mode {@code testing}: delivery as without a policy, and one
 * {@code mta_sts_violation} line for each check that would have failed. Mode {@code none} or no
 * policy: opportunistic.
 *
 * <p><b>Connection reuse.</b> After a transaction the connection is kept in a
 * {@link ConnectionCache} for the next message to the same destination, up to
 * {@code messages_per_connection} messages and {@code idle_timeout} of idleness. A cached
 * connection that turns out dead before any reply is replaced by a new one, without counting as a
 * failure.
 *
 * <p>Thread safety: thread-safe; one instance serves every attempt.
 */
public final class MxDeliveryAgent implements DeliveryAgent {

    private static final Logger LOG = LoggerFactory.getLogger(MxDeliveryAgent.class);
    private static final int SMTP_PORT = 25;

    private final DeliveryConfig config;
    private final SmarthostConfig smarthost;
    private final String heloName;
    private final MxLookup lookup; // null with a smarthost
    private final FailureClassifier classifier;
    private final Predicate<InetAddress> isSelf; // the relay's own addresses (mail loop check)
    private final int port; // the smarthost's port, else 25 or the test override
    private final TlsSettings opportunistic;
    private final TlsSettings verified;
    private final ClientTimeouts timeouts;
    private final ConnectionCache cache;
    private final MtaStsPolicies mtaSts; // null: MTA-STS off (config, or a smarthost)
    private final TlsPolicy tlsPolicy = new TlsPolicy();
    /**
     * Ends connects that outlive {@code connect_timeout} by closing their socket. A connect given a
     * timeout ({@code Socket.connect(address, millis)}) would leave the socket in non-blocking mode
     * for good, and then every reply wait of the session costs three system calls instead of one
     * (see {@code IoWatchdog}, which bounds the reads instead). One thread, ended when idle.
     */
    private final ScheduledThreadPoolExecutor connectDeadlines = connectDeadlines();

    /**
     * @param portOverride  0 for port 25; otherwise the port used for every MX host (tests only,
     *                      {@code [testing] mx_port_override}); a smarthost always gets its own port
     * @param opportunistic TLS toward MX hosts without an enforced MTA-STS policy
     * @param verified      TLS toward the smarthost and toward MX hosts of MTA-STS {@code enforce} domains
     * @param mtaSts        the recipient domains' MTA-STS policies, or null to apply none
     */
    public MxDeliveryAgent(DeliveryConfig config, SmarthostConfig smarthost, String heloName, MxLookup lookup,
            FailureClassifier classifier, Predicate<InetAddress> isSelf, int portOverride, TlsSettings opportunistic,
            TlsSettings verified, MtaStsPolicies mtaSts) {
        this.config = config;
        this.smarthost = smarthost;
        this.heloName = heloName;
        this.lookup = lookup;
        this.classifier = classifier;
        this.isSelf = isSelf;
        // A smarthost has its own port ([smarthost] port); MX hosts are on 25 (or the test override).
        this.port = smarthost.enabled() ? smarthost.port() : portOverride > 0 ? portOverride : SMTP_PORT;
        this.opportunistic = opportunistic;
        this.verified = verified;
        this.timeouts = new ClientTimeouts(config.connectTimeout(), config.greetingTimeout(), config.commandTimeout(),
                config.dataInitTimeout(), config.dataBlockTimeout(), config.dataDoneTimeout(), config.starttlsTimeout());
        this.cache = new ConnectionCache(config.idleTimeout(), config.messagesPerConnection());
        this.mtaSts = smarthost.enabled() ? null : mtaSts;
    }

    /** A host to try: its name (for TLS and logs) and one address. */
    private record Target(String name, InetAddress address) {
        RemoteHost host(int port) {
            return RemoteHost.of(name, address, port);
        }
    }

    /**
     * Where to deliver: the hosts to try and the domain's MTA-STS mode, or why nowhere. A class,
     * not a record: the delivery package's value types stay free of {@code relay.policy}
     * (ArchitectureTest).
     */
    private static final class Routed {
        final List<Target> targets;
        final MtaStsMode mtaSts;
        final AttemptResult failure; // null when there are targets

        Routed(List<Target> targets, MtaStsMode mtaSts, AttemptResult failure) {
            this.targets = targets;
            this.mtaSts = mtaSts;
            this.failure = failure;
        }
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) throws InterruptedException {
        long started = System.nanoTime();
        Routed routed = route(request);
        if (routed.failure != null) {
            return DeliveryReport.all(request.recipients(), routed.failure, TlsSummary.NONE, since(started));
        }
        List<Target> targets = routed.targets;
        // What the transaction needs: 8BITMIME as the application declared it at intake; SMTPUTF8
        // only for a message that asked for it and really has UTF-8 in its envelope or headers (as
        // Postfix: an all-ASCII message goes to a server without SMTPUTF8). The content is read
        // for that only when SMTPUTF8 was asked for, so the common message is read once per attempt.
        TransportNeeds needs;
        if (request.smtputf8()) {
            try (InputStream content = request.content().open()) {
                TransportNeeds scanned = TransportNeeds.scan(request.sender(), request.recipients(), content);
                needs = new TransportNeeds(request.eightBit() || scanned.eightBit(), scanned.utf8Envelope(),
                        scanned.utf8Headers());
            } catch (IOException e) {
                return failAll(request, new FailureFact.LocalIo(e.getMessage()), null, TlsSummary.NONE, started);
            }
        } else {
            boolean utf8Envelope = !TransportNeeds.isAscii(request.sender())
                    || request.recipients().stream().anyMatch(recipient -> !TransportNeeds.isAscii(recipient));
            needs = new TransportNeeds(request.eightBit(), utf8Envelope, false);
        }
        OutboundEnvelope envelope = new OutboundEnvelope(request.sender(), request.recipients(), request.size(), needs);

        Optional<ConnectionCache.Cached> cached = cache.take(request.destination());
        if (cached.isPresent() && routed.mtaSts == MtaStsMode.ENFORCE && !verifiedToAllowedHost(cached.get(), targets)) {
            // Opened before the domain's policy was known, or to a host it no longer lists.
            ConnectionCache.quit(cached.get());
            cached = Optional.empty();
        }
        if (cached.isPresent()) {
            Optional<DeliveryReport> report = transact(request, envelope, cached.get(), started, true);
            if (report.isPresent()) {
                return report.get();
            }
            // The cached connection died before any reply: not the destination's fault. Connect anew.
        }
        DeliveryReport last = null;
        for (Target target : targets) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("relay stopping");
            }
            Connected connected = connect(request, target, routed.mtaSts, started);
            if (connected.failure != null) {
                last = connected.failure;
                continue;
            }
            Optional<DeliveryReport> report = transact(request, envelope, connected.session, started, false);
            if (report.isPresent()) {
                if (!movesOn(report.get())) {
                    return report.get();
                }
                last = report.get();
            }
        }
        return last != null ? last : failAll(request, new FailureFact.Unexpected("no address to try"), null,
                TlsSummary.NONE, started);
    }

    /** The hosts to try, or the failure that ends the attempt before any connection. */
    private Routed route(DeliveryRequest request) {
        List<Target> targets = new ArrayList<>();
        if (smarthost.enabled()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(smarthost.host())) {
                    if (config.ipv6() || !(address instanceof Inet6Address)) {
                        targets.add(new Target(smarthost.host(), address));
                    }
                }
                return new Routed(targets, MtaStsMode.NONE, null);
            } catch (java.net.UnknownHostException e) {
                return failed(classifier.classify(new FailureFact.DnsFailure(FailureFact.DnsLookup.DOMAIN_ADDRESS,
                        smarthost.host(), new DnsAnswer.TempFail<InetAddress>(smarthost.host(), "not found: " + e.getMessage())))
                        .toResult(null));
            }
        }
        DomainName domain;
        try {
            domain = DomainName.parse(request.destination());
        } catch (IllegalArgumentException bad) {
            return failed(classifier.classify(new FailureFact.DnsFailure(FailureFact.DnsLookup.MX, request.destination(),
                    new DnsAnswer.NxDomain<>(request.destination()))).toResult(null));
        }
        MxRoute route = lookup.lookup(domain);
        MtaStsMode mode = MtaStsMode.NONE;
        FailureFact fact = switch (route) {
            case MxRoute.NullMx nullMx -> new FailureFact.NullMx(nullMx.domain());
            case MxRoute.NoSuchDomain none -> new FailureFact.DnsFailure(FailureFact.DnsLookup.MX, none.domain(),
                    new DnsAnswer.NxDomain<>(none.domain()));
            case MxRoute.NoAddresses none -> new FailureFact.DnsFailure(FailureFact.DnsLookup.MX_HOST_ADDRESS,
                    none.domain(), new DnsAnswer.NoData<>(none.domain()));
            case MxRoute.TempFail failed -> new FailureFact.DnsFailure(FailureFact.DnsLookup.MX, failed.domain(),
                    new DnsAnswer.TempFail<>(failed.domain(), failed.reason()));
            case MxRoute.Hosts hosts -> {
                Optional<MxRoute.Hosts> usable = hosts.truncateAtSelf(isSelf);
                if (usable.isEmpty()) {
                    yield new FailureFact.LoopsBackToMyself(hosts.domain());
                }
                Optional<MtaStsPolicy> policy = mtaSts == null ? Optional.empty() : mtaSts.policyFor(domain);
                mode = policy.map(MtaStsPolicy::mode).orElse(MtaStsMode.NONE);
                List<String> patterns = policy.map(MtaStsPolicy::mxPatterns).orElse(List.of());
                for (MxHost host : usable.get().hosts()) {
                    if (mode != MtaStsMode.NONE && !tlsPolicy.mxAllowed(MtaStsMode.ENFORCE, host.name(), patterns)) {
                        LOG.info(violation(request, mode).field("mx", host.name()).field("problem", "mx_not_listed")
                                .field("detail", "mx patterns: " + String.join(",", patterns)).toString());
                    }
                    if (!tlsPolicy.mxAllowed(mode, host.name(), patterns)) {
                        continue; // RFC 8461 §5: enforce never delivers to an unlisted host
                    }
                    for (InetAddress address : host.addresses()) {
                        targets.add(new Target(host.name(), address));
                    }
                }
                yield targets.isEmpty() ? new FailureFact.MxNotInMtaStsPolicy(usable.get().hosts().get(0).name()) : null;
            }
        };
        return fact == null ? new Routed(targets, mode, null) : failed(classifier.classify(fact).toResult(null));
    }

    private static Routed failed(AttemptResult failure) {
        return new Routed(List.of(), MtaStsMode.NONE, failure);
    }

    /** Whether a cached connection may carry mail for an MTA-STS {@code enforce} domain. */
    private static boolean verifiedToAllowedHost(ConnectionCache.Cached cached, List<Target> targets) {
        return cached.tls() instanceof TlsSummary.Encrypted encrypted && encrypted.verified()
                && targets.stream().anyMatch(target -> target.name().equals(cached.host().name()));
    }

    /** The start of an {@code mta_sts_violation} line: what the policy forbids, or (testing) would forbid. */
    private static LogLine violation(DeliveryRequest request, MtaStsMode mode) {
        return LogLine.of("mta_sts_violation").field("queue_id", request.queueId()).field("domain", request.destination())
                .field("mode", mode.name().toLowerCase(Locale.ROOT));
    }

    /** A connected, greeted session, or the report of why not. */
    private record Connected(ConnectionCache.Cached session, DeliveryReport failure) {
    }

    /** Connects to one address: greeting, EHLO, STARTTLS (with plaintext fallback), AUTH. */
    private Connected connect(DeliveryRequest request, Target target, MtaStsMode mtaStsMode, long started) {
        RemoteHost host = target.host(port);
        TlsLevel level = tlsPolicy.levelFor(smarthost.enabled(), mtaStsMode);
        boolean verifiedRequired = level == TlsLevel.VERIFIED;
        boolean tryTls = verifiedRequired || config.opportunisticTls();
        boolean testing = mtaStsMode == MtaStsMode.TESTING;
        for (int round = 0; round < 2; round++) { // round 1: the plaintext retry after a failed handshake
            boolean fallback = round == 1;
            ClientSession session = null;
            try {
                session = ClientSession.over(open(target.address()), timeouts);
                TlsSummary tls = TlsSummary.NONE;
                boolean implicitTls = smarthost.enabled() && smarthost.implicitTls();
                if (implicitTls) {
                    TlsOutcome outcome = session.implicitTls(smarthost.host(), verified);
                    if (!(outcome instanceof TlsOutcome.Established established)) {
                        return new Connected(null, failAll(request, tlsFact(outcome, host), host, TlsSummary.NONE, started));
                    }
                    tls = summary(established);
                }
                session.readGreeting();
                Capabilities capabilities = session.ehlo(heloName);
                if (tryTls && !implicitTls) {
                    if (testing && !fallback) {
                        reportTesting(request, host, tlsPolicy.afterEhlo(TlsLevel.VERIFIED, capabilities.startTls(), false, host),
                                null);
                    }
                    TlsDecision decision = tlsPolicy.afterEhlo(level, capabilities.startTls(), fallback, host);
                    TlsOutcome outcome = null;
                    if (decision instanceof TlsDecision.StartTls) {
                        outcome = session.startTls(target.name(), verifiedRequired ? verified : opportunistic);
                        StartTlsResult result = startTlsResult(outcome);
                        if (testing) {
                            reportTesting(request, host, tlsPolicy.afterStartTls(TlsLevel.VERIFIED, result, host), outcome);
                        }
                        decision = tlsPolicy.afterStartTls(level, result, host);
                    }
                    switch (decision) {
                        case TlsDecision.Encrypted encrypted -> {
                            tls = encrypted.summary();
                            session.ehlo(heloName); // RFC 3207 §4.2: forget what was learnt before TLS
                        }
                        case TlsDecision.Plaintext plaintext -> tls = plaintext.summary();
                        case TlsDecision.ReconnectWithoutTls reconnect -> {
                            session.close();
                            TlsOutcome.Failed failed = (TlsOutcome.Failed) outcome;
                            LOG.info(LogLine.of("tls_fallback").field("queue_id", request.queueId())
                                    .field("relay", host.toString()).field("reason", failed.reason().name().toLowerCase(Locale.ROOT))
                                    .field("detail", failed.detail()).toString());
                            continue; // the same address again, without STARTTLS
                        }
                        case TlsDecision.Defer defer -> {
                            session.close();
                            return new Connected(null, failAll(request, defer.fact(), host, TlsSummary.NONE, started));
                        }
                        case TlsDecision.StartTls again -> throw new IllegalStateException("STARTTLS decided after STARTTLS");
                    }
                }
                if (smarthost.enabled() && smarthost.username() != null) {
                    Capabilities now = session.capabilities();
                    AuthMechanism mechanism = now.authMechanisms().contains("PLAIN") ? AuthMechanism.PLAIN : AuthMechanism.LOGIN;
                    session.authenticate(mechanism, smarthost.username(), smarthost.password());
                }
                return new Connected(new ConnectionCache.Cached(session, host, tls, 0, System.nanoTime()), null);
            } catch (SmtpClientException e) {
                closeQuietly(session);
                return new Connected(null, failAll(request, fact(e.failure(), host), host, TlsSummary.NONE, started));
            } catch (IOException e) {
                closeQuietly(session);
                return new Connected(null, failAll(request, new FailureFact.ConnectFailed(host, describe(e)), host,
                        TlsSummary.NONE, started));
            }
        }
        throw new IllegalStateException("cannot happen: the fallback round returns");
    }

    /**
     * MTA-STS {@code testing} (RFC 8461 §5): logs what {@code enforce} would have refused, given the
     * decision {@link TlsPolicy} makes at the verified level; the delivery goes on as it is.
     */
    private void reportTesting(DeliveryRequest request, RemoteHost host, TlsDecision strict, TlsOutcome outcome) {
        if (!(strict instanceof TlsDecision.Defer defer)) {
            return;
        }
        String problem = switch (defer.fact()) {
            case FailureFact.TlsFailed failed -> failed.problem().name().toLowerCase(Locale.ROOT);
            case FailureFact.RemoteReply refused -> "starttls_refused";
            default -> "tls";
        };
        String detail = switch (outcome) {
            case TlsOutcome.Established established -> established.verificationProblem();
            case TlsOutcome.Failed failed -> failed.detail();
            case TlsOutcome.Refused refused -> ReplyText.of(refused.reply());
            case null -> null;
        };
        LOG.info(violation(request, MtaStsMode.TESTING).field("relay", host.toString()).field("problem", problem)
                .field("detail", detail).toString());
    }

    /** The SMTP client's TLS outcome as the fact {@link TlsPolicy} decides on. */
    private static StartTlsResult startTlsResult(TlsOutcome outcome) {
        return switch (outcome) {
            // The client records one verdict for chain and name together.
            case TlsOutcome.Established established -> new StartTlsResult.Established(established.protocol(),
                    established.cipherSuite(), established.verified(), established.verified());
            case TlsOutcome.Refused refused -> new StartTlsResult.Refused(refused.reply());
            case TlsOutcome.Failed failed -> switch (failed.reason()) {
                case UNVERIFIED -> new StartTlsResult.Unverified(failed.detail());
                case TIMEOUT -> new StartTlsResult.Stalled(failed.detail());
                case HANDSHAKE, CONNECTION_LOST, PROTOCOL -> new StartTlsResult.HandshakeFailed(failed.detail());
            };
        };
    }

    /** A TCP connection to {@code address}, bound to the configured source address of its family. */
    private Socket open(InetAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            InetAddress source = address instanceof Inet6Address ? config.sourceIpv6() : config.sourceIpv4();
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> deadline = connectDeadlines.schedule(() -> {
                expired.set(true);
                closeQuietly(socket);
            }, config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
            try {
                socket.connect(new InetSocketAddress(address, port));
            } catch (IOException e) {
                throw expired.get() ? new SocketTimeoutException("Connect timed out") : e;
            } finally {
                deadline.cancel(false);
            }
            if (expired.get()) { // connected just as the deadline closed it
                throw new SocketTimeoutException("Connect timed out");
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static ScheduledThreadPoolExecutor connectDeadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("smtp-connect-deadline").factory());
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to end a connect: nothing else to do
        }
    }

    /**
     * Runs the transaction on a connected session; empty when a cached session died before any
     * reply (the caller connects anew).
     */
    private Optional<DeliveryReport> transact(DeliveryRequest request, OutboundEnvelope envelope,
            ConnectionCache.Cached connection, long started, boolean reused) {
        ClientSession session = connection.session();
        RemoteHost host = connection.host();
        Duration setup = since(started);
        long sending = System.nanoTime();
        Capabilities capabilities = session.capabilities();
        if (envelope.needs().smtpUtf8() && !capabilities.smtpUtf8()) {
            cache.offer(request.destination(), connection.used());
            return Optional.of(failAll(request, new FailureFact.Smtputf8NotOffered(host), host, connection.tls(), started));
        }
        if (capabilities.size() && capabilities.sizeLimit() > 0 && request.size() > capabilities.sizeLimit()) {
            cache.offer(request.destination(), connection.used());
            return Optional.of(failAll(request, new FailureFact.SizeExceeded(request.size(), capabilities.sizeLimit(), host),
                    host, connection.tls(), started));
        }
        TransactionResult result;
        try (InputStream content = request.content().open()) {
            result = session.send(envelope, content);
        } catch (SmtpClientException e) {
            closeQuietly(session);
            // A cached connection opens with RSET when its last transaction was left open (no
            // recipient accepted), else with MAIL: dead at either, the receiver went away meanwhile.
            if (reused && (e.failure().stage() == Stage.MAIL || e.failure().stage() == Stage.RSET)
                    && !(e.failure() instanceof ClientFailure.Rejected)) {
                return Optional.empty();
            }
            return Optional.of(failAll(request, fact(e.failure(), host), host, connection.tls(), started));
        } catch (IOException e) {
            closeQuietly(session);
            return Optional.of(failAll(request, new FailureFact.LocalIo(e.getMessage()), host, connection.tls(), started));
        }
        Map<String, AttemptResult> results = new LinkedHashMap<>();
        switch (result) {
            case TransactionResult.NotAttempted missing -> {
                AttemptResult failure = classifier.classify(new FailureFact.Smtputf8NotOffered(host)).toResult(host);
                request.recipients().forEach(recipient -> results.put(recipient, failure));
            }
            case TransactionResult.Attempted attempted -> results.putAll(perRecipient(request, attempted, host));
        }
        if (session.isOpen()) {
            cache.offer(request.destination(), connection.used());
        }
        return Optional.of(new DeliveryReport(results, connection.tls(), reused, setup, since(sending)));
    }

    /** The replies of one transaction, per recipient (Postfix {@code smtp_rcpt_done}/{@code smtp_mesg_fail}). */
    private Map<String, AttemptResult> perRecipient(DeliveryRequest request, TransactionResult.Attempted attempted,
            RemoteHost host) {
        Map<String, AttemptResult> results = new LinkedHashMap<>();
        if (!attempted.mail().isPositiveCompletion()) {
            AttemptResult failure = replyResult(SmtpStage.MAIL, attempted.mail(), host);
            request.recipients().forEach(recipient -> results.put(recipient, failure));
            return results;
        }
        AttemptResult messageFailure = null;
        if (attempted.data() != null && !attempted.data().isPositiveIntermediate()) {
            messageFailure = replyResult(SmtpStage.DATA, attempted.data(), host);
        } else if (attempted.end() != null && !attempted.end().isPositiveCompletion()) {
            messageFailure = replyResult(SmtpStage.END_OF_DATA, attempted.end(), host);
        }
        for (int i = 0; i < request.recipients().size(); i++) {
            String recipient = request.recipients().get(i);
            if (i >= attempted.recipients().size()) {
                // No reply for it (a 421 ended the conversation): temporary.
                results.put(recipient, classifier.classify(new FailureFact.ConnectionLost(SmtpStage.RCPT, host)).toResult(host));
                continue;
            }
            SmtpReply rcpt = attempted.recipients().get(i).reply();
            if (!rcpt.isPositiveCompletion()) {
                results.put(recipient, replyResult(SmtpStage.RCPT, rcpt, host));
            } else if (messageFailure != null) {
                results.put(recipient, messageFailure);
            } else if (attempted.end() != null) {
                results.put(recipient, AttemptResult.delivered(attempted.end(), host, smarthost.enabled()));
            } else {
                results.put(recipient, classifier.classify(new FailureFact.Unexpected(
                        "recipient accepted but no reply to the content")).toResult(host));
            }
        }
        return results;
    }

    private AttemptResult replyResult(SmtpStage stage, SmtpReply reply, RemoteHost host) {
        return classifier.classify(new FailureFact.RemoteReply(stage, reply, host)).toResult(host);
    }

    /**
     * Whether the next address or host should be tried after this report: only when the failure
     * concerns the host itself (every recipient deferred with the destination-wide flag).
     */
    private static boolean movesOn(DeliveryReport report) {
        return report.results().values().stream()
                .allMatch(result -> result instanceof AttemptResult.TempFailed temp && temp.deferDestination());
    }

    private DeliveryReport failAll(DeliveryRequest request, FailureFact fact, RemoteHost host, TlsSummary tls, long started) {
        AttemptResult result = classifier.classify(fact).toResult(host);
        return DeliveryReport.all(request.recipients(), result, tls, since(started));
    }

    /** The mechanism's failure as a policy fact. */
    static FailureFact fact(ClientFailure failure, RemoteHost host) {
        return switch (failure) {
            case ClientFailure.Rejected rejected -> new FailureFact.RemoteReply(stage(rejected.stage()), rejected.reply(), host);
            case ClientFailure.TimedOut timedOut -> new FailureFact.TimedOut(stage(timedOut.stage()), host);
            case ClientFailure.ConnectionLost lost -> new FailureFact.ConnectionLost(stage(lost.stage()), host);
            case ClientFailure.ProtocolViolation violation -> new FailureFact.MalformedReply(stage(violation.stage()), host,
                    violation.detail());
            case ClientFailure.ContentUnreadable unreadable -> new FailureFact.LocalIo(unreadable.detail());
        };
    }

    private static SmtpStage stage(Stage stage) {
        return switch (stage) {
            case CONNECT, GREETING -> SmtpStage.GREETING;
            case EHLO -> SmtpStage.EHLO;
            case STARTTLS -> SmtpStage.STARTTLS;
            case AUTH -> SmtpStage.AUTH;
            case MAIL, RSET -> SmtpStage.MAIL;
            case RCPT -> SmtpStage.RCPT;
            case DATA -> SmtpStage.DATA;
            case CONTENT -> SmtpStage.BODY;
            case DOT, QUIT -> SmtpStage.END_OF_DATA;
        };
    }

    private static FailureFact tlsFact(TlsOutcome outcome, RemoteHost host) {
        return switch (outcome) {
            case TlsOutcome.Refused refused -> new FailureFact.RemoteReply(SmtpStage.STARTTLS, refused.reply(), host);
            case TlsOutcome.Failed failed -> new FailureFact.TlsFailed(failed.reason() == TlsOutcome.Reason.UNVERIFIED
                    ? FailureFact.TlsProblem.CERTIFICATE_NOT_TRUSTED : FailureFact.TlsProblem.HANDSHAKE_FAILED, host, failed.detail());
            case TlsOutcome.Established established -> new FailureFact.Unexpected("TLS established is no failure");
        };
    }

    private static TlsSummary summary(TlsOutcome.Established established) {
        return new TlsSummary.Encrypted(established.protocol(), established.cipherSuite(), established.verified());
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(ClientSession session) {
        if (session != null) {
            session.close();
        }
    }

    /** Closes every cached connection (QUIT). */
    public void close() {
        cache.closeAll();
        connectDeadlines.shutdownNow();
    }
}
