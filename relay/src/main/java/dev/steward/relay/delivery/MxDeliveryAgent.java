package dev.steward.relay.delivery;

import dev.steward.common.text.LogLine;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxHost;
import dev.steward.mail.dns.MxLookup;
import dev.steward.mail.dns.MxRoute;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.policy.FailureClassifier;
import dev.steward.relay.policy.FailureFact;
import dev.steward.relay.policy.SmtpStage;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * plaintext. Toward a smarthost there is no plaintext ever.
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
    private final int port; // the smarthost's port; else 25, or the test override
    private final TlsSettings opportunistic;
    private final TlsSettings verified;
    private final ClientTimeouts timeouts;
    private final ConnectionCache cache;

    /**
     * @param portOverride 0 for port 25; otherwise the port used for every MX host (tests only,
     *                     {@code [testing] mx_port_override}); a smarthost always gets its own port
     */
    public MxDeliveryAgent(DeliveryConfig config, SmarthostConfig smarthost, String heloName, MxLookup lookup,
            FailureClassifier classifier, Predicate<InetAddress> isSelf, int portOverride, TlsSettings opportunistic,
            TlsSettings verified) {
        this.config = config;
        this.smarthost = smarthost;
        this.heloName = heloName;
        this.lookup = lookup;
        this.classifier = classifier;
        this.isSelf = isSelf;
        this.port = smarthost.enabled() ? smarthost.port() : portOverride > 0 ? portOverride : SMTP_PORT;
        this.opportunistic = opportunistic;
        this.verified = verified;
        this.timeouts = new ClientTimeouts(config.connectTimeout(), config.greetingTimeout(), config.commandTimeout(),
                config.dataInitTimeout(), config.dataBlockTimeout(), config.dataDoneTimeout(), config.starttlsTimeout());
        this.cache = new ConnectionCache(config.idleTimeout(), config.messagesPerConnection());
    }

    /** A host to try: its name (for TLS and logs) and one address. */
    private record Target(String name, InetAddress address) {
        RemoteHost host(int port) {
            return RemoteHost.of(name, address, port);
        }
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) throws InterruptedException {
        long started = System.nanoTime();
        List<Target> targets = new ArrayList<>();
        Optional<AttemptResult> routeFailure = route(request, targets);
        if (routeFailure.isPresent()) {
            return DeliveryReport.all(request.recipients(), routeFailure.get(), TlsSummary.NONE, since(started));
        }
        TransportNeeds needs;
        try (InputStream content = request.content().open()) {
            needs = TransportNeeds.scan(request.sender(), request.recipients(), content);
        } catch (IOException e) {
            return failAll(request, new FailureFact.LocalIo(e.getMessage()), null, TlsSummary.NONE, started);
        }
        OutboundEnvelope envelope = new OutboundEnvelope(request.sender(), request.recipients(), request.size(), needs);

        Optional<ConnectionCache.Cached> cached = cache.take(request.destination());
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
            Connected connected = connect(request, target, started);
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

    /** Fills {@code targets}, or returns the failure that ends the attempt before any connection. */
    private Optional<AttemptResult> route(DeliveryRequest request, List<Target> targets) {
        if (smarthost.enabled()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(smarthost.host())) {
                    if (config.ipv6() || !(address instanceof Inet6Address)) {
                        targets.add(new Target(smarthost.host(), address));
                    }
                }
                return Optional.empty();
            } catch (java.net.UnknownHostException e) {
                return Optional.of(classifier.classify(new FailureFact.DnsFailure(FailureFact.DnsLookup.DOMAIN_ADDRESS,
                        smarthost.host(), new DnsAnswer.TempFail<InetAddress>(smarthost.host(), "not found: " + e.getMessage())))
                        .toResult(null));
            }
        }
        DomainName domain;
        try {
            domain = DomainName.parse(request.destination());
        } catch (IllegalArgumentException bad) {
            return Optional.of(classifier.classify(new FailureFact.DnsFailure(FailureFact.DnsLookup.MX, request.destination(),
                    new DnsAnswer.NxDomain<>(request.destination()))).toResult(null));
        }
        MxRoute route = lookup.lookup(domain);
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
                for (MxHost host : usable.get().hosts()) {
                    for (InetAddress address : host.addresses()) {
                        targets.add(new Target(host.name(), address));
                    }
                }
                yield null;
            }
        };
        return fact == null ? Optional.empty() : Optional.of(classifier.classify(fact).toResult(null));
    }

    /** A connected, greeted session, or the report of why not. */
    private record Connected(ConnectionCache.Cached session, DeliveryReport failure) {
    }

    /** Connects to one address: greeting, EHLO, STARTTLS (with plaintext fallback), AUTH. */
    private Connected connect(DeliveryRequest request, Target target, long started) {
        RemoteHost host = target.host(port);
        boolean tryTls = smarthost.enabled() || config.opportunisticTls();
        for (int round = 0; round < 2; round++) { // round 1: the plaintext retry after a failed handshake
            boolean fallback = round == 1;
            ClientSession session = null;
            try {
                session = ClientSession.over(open(target.address()), timeouts);
                TlsSummary tls = TlsSummary.NONE;
                if (smarthost.enabled() && smarthost.implicitTls()) {
                    TlsOutcome outcome = session.implicitTls(smarthost.host(), verified);
                    if (!(outcome instanceof TlsOutcome.Established established)) {
                        return new Connected(null, failAll(request, tlsFact(outcome, host), host, TlsSummary.NONE, started));
                    }
                    tls = summary(established);
                }
                session.readGreeting();
                Capabilities capabilities = session.ehlo(heloName);
                if (tryTls && !fallback && tls == TlsSummary.NONE) {
                    if (capabilities.startTls()) {
                        TlsOutcome outcome = session.startTls(target.name(), smarthost.enabled() ? verified : opportunistic);
                        switch (outcome) {
                            case TlsOutcome.Established established -> {
                                tls = summary(established);
                                session.ehlo(heloName); // RFC 3207 §4.2: forget what was learnt before TLS
                            }
                            case TlsOutcome.Refused refused -> {
                                if (smarthost.enabled()) {
                                    session.close();
                                    return new Connected(null, failAll(request, tlsFact(outcome, host), host,
                                            TlsSummary.NONE, started));
                                }
                                // Opportunistic: a refused STARTTLS leaves the session as it was; go on in plaintext.
                            }
                            case TlsOutcome.Failed failed -> {
                                session.close();
                                if (smarthost.enabled()) {
                                    return new Connected(null, failAll(request, tlsFact(outcome, host), host,
                                            TlsSummary.NONE, started));
                                }
                                LOG.info(LogLine.of("tls_fallback").field("queue_id", request.queueId())
                                        .field("relay", host.toString()).field("reason", failed.reason().name().toLowerCase(java.util.Locale.ROOT))
                                        .field("detail", failed.detail()).toString());
                                continue; // the same address again, without STARTTLS
                            }
                        }
                    } else if (smarthost.enabled()) {
                        session.close();
                        return new Connected(null, failAll(request, new FailureFact.TlsFailed(
                                FailureFact.TlsProblem.NOT_OFFERED, host, null), host, TlsSummary.NONE, started));
                    }
                }
                if (fallback) {
                    tls = new TlsSummary.Plaintext(true);
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

    /** A TCP connection to {@code address}, bound to the configured source address of its family. */
    private Socket open(InetAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            InetAddress source = address instanceof Inet6Address ? config.sourceIpv6() : config.sourceIpv4();
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address, port), (int) config.connectTimeout().toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
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
    }
}
