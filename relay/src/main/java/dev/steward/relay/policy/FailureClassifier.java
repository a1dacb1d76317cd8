package dev.steward.relay.policy;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import dev.steward.relay.delivery.FailureKind;
import dev.steward.relay.delivery.RemoteHost;
import dev.steward.relay.delivery.ReplyText;
import dev.steward.relay.policy.Disposition.Scope;
import dev.steward.relay.policy.Disposition.Verdict;
import dev.steward.relay.policy.FailureFact.DnsLookup;
import dev.steward.smtp.wire.SmtpReply;

/**
 * The only place that decides whether a delivery failure is temporary or permanent (Postfix
 * {@code smtp_trouble.c}, STYLE B11.2). Facts in, a {@link Disposition} out; the delivery code never
 * branches on reply codes itself.
 *
 * <p>The rules, in order (the status is the reply's enhanced code when it has one, else the class
 * with {@code .0.0}, as Postfix's {@code smtp_chat.c} assumes):
 *
 * <table>
 * <caption>Facts and their dispositions</caption>
 * <tr><th>Fact</th><th>Verdict</th><th>Status</th><th>Kind</th><th>Scope</th></tr>
 * <tr><td>reply 2xx/3xx where a failure was reported</td><td>TEMP</td><td>4.5.0</td><td>protocol</td><td>stage</td></tr>
 * <tr><td>reply 421, any stage</td><td>TEMP</td><td>reply</td><td>rate_limit</td><td>destination</td></tr>
 * <tr><td>greeting 4xx/5xx</td><td>TEMP</td><td>reply, class 4 (5.7.1 becomes 4.7.1)</td><td>reply</td><td>destination</td></tr>
 * <tr><td>STARTTLS 4xx/5xx (TLS required)</td><td>TEMP</td><td>reply, class 4</td><td>tls</td><td>destination</td></tr>
 * <tr><td>AUTH 4xx/5xx</td><td>TEMP</td><td>reply, class 4</td><td>reply</td><td>destination</td></tr>
 * <tr><td>EHLO/HELO 4xx</td><td>TEMP</td><td>reply</td><td>reply</td><td>destination</td></tr>
 * <tr><td>EHLO/HELO 5xx</td><td>PERM</td><td>reply</td><td>reply</td><td>destination</td></tr>
 * <tr><td>RCPT 552 without code or with x.5.3</td><td>TEMP</td><td>4.5.3</td><td>rate_limit</td><td>recipient</td></tr>
 * <tr><td>RCPT 4xx with x.5.3</td><td>TEMP</td><td>reply</td><td>rate_limit</td><td>recipient</td></tr>
 * <tr><td>RCPT 4xx / 5xx</td><td>TEMP / PERM</td><td>reply</td><td>reply</td><td>recipient</td></tr>
 * <tr><td>MAIL, DATA, end of data 552 without code</td><td>PERM</td><td>5.3.4</td><td>reply</td><td>message</td></tr>
 * <tr><td>MAIL, DATA, end of data 4xx / 5xx</td><td>TEMP / PERM</td><td>reply</td><td>reply</td><td>message</td></tr>
 * <tr><td>connect failed</td><td>TEMP</td><td>4.4.1</td><td>connect</td><td>destination</td></tr>
 * <tr><td>connection lost, timed out</td><td>TEMP</td><td>4.4.2</td><td>connect</td><td>destination</td></tr>
 * <tr><td>malformed reply</td><td>TEMP</td><td>4.5.0</td><td>protocol</td><td>destination</td></tr>
 * <tr><td>TLS required, not offered</td><td>TEMP</td><td>4.7.4</td><td>tls</td><td>destination</td></tr>
 * <tr><td>TLS required, handshake failed / not trusted / wrong name</td><td>TEMP</td><td>4.7.5</td><td>tls</td><td>destination</td></tr>
 * <tr><td>MX not in the enforced MTA-STS policy</td><td>TEMP</td><td>4.7.0</td><td>policy</td><td>destination</td></tr>
 * <tr><td>DNS TempFail (any lookup)</td><td>TEMP</td><td>4.4.3</td><td>dns</td><td>destination</td></tr>
 * <tr><td>DNS NxDomain for the recipient domain (MX or its own address)</td><td>PERM</td><td>5.1.2</td><td>dns</td><td>destination</td></tr>
 * <tr><td>DNS NoData for the domain's address (no MX either)</td><td>PERM</td><td>5.4.4</td><td>dns</td><td>destination</td></tr>
 * <tr><td>DNS NxDomain/NoData for the MX hosts (none has an address)</td><td>PERM</td><td>5.4.4</td><td>dns</td><td>destination</td></tr>
 * <tr><td>null MX</td><td>PERM</td><td>5.1.10</td><td>dns</td><td>destination</td></tr>
 * <tr><td>MX is this host</td><td>PERM</td><td>5.4.6</td><td>loop</td><td>destination</td></tr>
 * <tr><td>too many Received headers</td><td>PERM</td><td>5.4.6</td><td>loop</td><td>message</td></tr>
 * <tr><td>SMTPUTF8 needed, not offered</td><td>PERM</td><td>5.6.7</td><td>protocol</td><td>message</td></tr>
 * <tr><td>message larger than EHLO SIZE</td><td>PERM</td><td>5.3.4</td><td>protocol</td><td>message</td></tr>
 * <tr><td>local read error</td><td>TEMP</td><td>4.3.0</td><td>local_io</td><td>message</td></tr>
 * <tr><td>anything else (unexpected exception, a DNS answer that is no failure)</td><td>TEMP</td><td>4.3.0</td><td>internal</td><td>message</td></tr>
 * </table>
 *
 * <p>Deliberate differences from Postfix: a 5xx greeting is temporary (as Postfix's default
 * {@code smtp_skip_5xx_greeting = yes}, but without trying the next MX first: that is the agent's
 * loop); a refused STARTTLS where TLS is required and a failed AUTH are temporary, because both
 * are about our configuration, not the recipient; a 552 to RCPT is temporary as RFC 5321
 * §4.5.3.1.10 asks (Postfix keeps RFC 821), unless it carries an enhanced code other than x.5.3
 * ({@code 552 5.2.2} mailbox full stays permanent); unexpected 2xx/3xx replies are temporary
 * (Postfix bounces them as 5.5.0).
 *
 * <p>Pure: no I/O, no logging, no clock. Thread safety: stateless, thread-safe.
 */
public final class FailureClassifier {

    private static final EnhancedStatus PROTOCOL_ERROR = EnhancedStatus.of(4, 5, 0);
    private static final EnhancedStatus TOO_MANY_RECIPIENTS = EnhancedStatus.of(4, 5, 3);
    private static final EnhancedStatus MESSAGE_TOO_BIG = EnhancedStatus.of(5, 3, 4);
    private static final EnhancedStatus MAIL_SYSTEM_ERROR = EnhancedStatus.of(4, 3, 0);

    public Disposition classify(FailureFact fact) {
        return switch (fact) {
            case FailureFact.RemoteReply reply -> reply(reply.stage(), reply.reply(), reply.host());
            case FailureFact.ConnectFailed connect -> temp("4.4.1", "connect to " + connect.host() + ": " + connect.detail(),
                    connect.host(), FailureKind.CONNECT, Scope.DESTINATION);
            case FailureFact.ConnectionLost lost -> temp("4.4.2", "lost connection with " + lost.host().nameAndAddress()
                    + " while " + lost.stage().activity(), lost.host(), FailureKind.CONNECT, Scope.DESTINATION);
            case FailureFact.TimedOut timeout -> temp("4.4.2", "conversation with " + timeout.host().nameAndAddress()
                    + " timed out while " + timeout.stage().activity(), timeout.host(), FailureKind.CONNECT, Scope.DESTINATION);
            case FailureFact.MalformedReply malformed -> temp("4.5.0", "Protocol error: malformed reply from "
                    + malformed.host().nameAndAddress() + " while " + malformed.stage().activity() + ": " + malformed.detail(),
                    malformed.host(), FailureKind.PROTOCOL, Scope.DESTINATION);
            case FailureFact.TlsFailed tls -> tls(tls);
            case FailureFact.MxNotInMtaStsPolicy sts -> temp("4.7.0", "MX host " + sts.mxHost()
                    + " is not listed in the recipient domain's MTA-STS policy (mode enforce)", null, FailureKind.POLICY,
                    Scope.DESTINATION);
            case FailureFact.DnsFailure dns -> dns(dns);
            case FailureFact.NullMx nullMx -> perm("5.1.10", "Domain " + nullMx.domain()
                    + " does not accept mail (null MX)", null, FailureKind.DNS, Scope.DESTINATION);
            case FailureFact.LoopsBackToMyself loop -> perm("5.4.6", "mail for " + loop.domain() + " loops back to myself",
                    null, FailureKind.LOOP, Scope.DESTINATION);
            case FailureFact.TooManyHops hops -> perm("5.4.6", "mail forwarding loop: the message has " + hops.hops()
                    + " Received headers", null, FailureKind.LOOP, Scope.MESSAGE);
            case FailureFact.Smtputf8NotOffered utf8 -> perm("5.6.7", "SMTPUTF8 is required, but was not offered by host "
                    + utf8.host().nameAndAddress(), utf8.host(), FailureKind.PROTOCOL, Scope.MESSAGE);
            case FailureFact.SizeExceeded size -> perm("5.3.4", "message size " + size.messageSize()
                    + " exceeds size limit " + size.sizeLimit() + " of server " + size.host().nameAndAddress(), size.host(),
                    FailureKind.PROTOCOL, Scope.MESSAGE);
            case FailureFact.LocalIo io -> temp("4.3.0", "local data error while reading the queued message: " + io.detail(),
                    null, FailureKind.LOCAL_IO, Scope.MESSAGE);
            case FailureFact.Unexpected unexpected -> internal(unexpected.detail());
        };
    }

    private static Disposition reply(SmtpStage stage, SmtpReply reply, RemoteHost host) {
        String text = ReplyText.of(reply);
        int code = reply.code();
        if (code / 100 != 4 && code / 100 != 5) {
            return fromReply(PROTOCOL_ERROR, "Protocol error: host " + host.nameAndAddress() + " said: " + text
                    + " (in reply to " + stage.command() + ")", reply, host, FailureKind.PROTOCOL, stage.scope());
        }
        boolean hasCode = reply.enhancedStatus() != null;
        EnhancedStatus status = ReplyText.status(reply);
        String reason = "host " + host.nameAndAddress() + " said: " + text + " (in reply to " + stage.command() + ")";
        FailureKind kind = FailureKind.REMOTE_REPLY;
        Scope scope = stage.scope();
        switch (stage) {
            case GREETING -> {
                // Postfix smtp_skip_5xx_greeting: a 5xx banner is often a host that is overloaded
                // or misconfigured for a while; another MX or a later attempt may work.
                status = status.withClass(4);
                reason = "host " + host.nameAndAddress() + " refused to talk to me: " + text;
            }
            case STARTTLS -> {
                status = status.withClass(4);
                kind = FailureKind.TLS;
                reason = "TLS is required, but host " + host.nameAndAddress() + " refused to start TLS: " + text;
            }
            case AUTH -> {
                // Wrong credentials are our configuration, not the recipient's fault: keep the mail
                // (Postfix smtp_sasl_auth_soft_bounce).
                status = status.withClass(4);
                reason = "authentication failed; host " + host.nameAndAddress() + " said: " + text;
            }
            case RCPT -> {
                // RFC 5321 §4.5.3.1.10: 552 to RCPT means "too many recipients"; treat it as 452.
                if (code == 552 && (!hasCode || isTooManyRecipients(status))) {
                    status = TOO_MANY_RECIPIENTS;
                }
            }
            case MAIL, DATA, BODY, END_OF_DATA -> {
                if (code == 552 && !hasCode) {
                    status = MESSAGE_TOO_BIG; // RFC 5321 §4.2.3: 552 exceeded storage allocation
                }
            }
            case EHLO, HELO -> {
                // as the reply says: a server that refuses our EHLO and HELO will keep refusing
            }
        }
        if (code == 421) {
            // RFC 5321 §3.8: the server is closing the connection; nothing more goes to it now.
            kind = FailureKind.RATE_LIMIT;
            scope = Scope.DESTINATION;
        } else if (status.isTransient() && isTooManyRecipients(status) && kind == FailureKind.REMOTE_REPLY) {
            kind = FailureKind.RATE_LIMIT;
        }
        return fromReply(status, reason, reply, host, kind, scope);
    }

    private static boolean isTooManyRecipients(EnhancedStatus status) {
        return status.subject() == 5 && status.detail() == 3;
    }

    private static Disposition fromReply(EnhancedStatus status, String reason, SmtpReply reply, RemoteHost host,
            FailureKind kind, Scope scope) {
        Verdict verdict = status.isPermanent() ? Verdict.PERM : Verdict.TEMP;
        Dsn dsn = new Dsn(status, verdict == Verdict.PERM ? Dsn.Action.FAILED : Dsn.Action.DELAYED, reason,
                ReplyText.diagnostic(reply), host.name());
        return new Disposition(verdict, dsn, kind, scope);
    }

    private static Disposition tls(FailureFact.TlsFailed tls) {
        String host = tls.host().nameAndAddress();
        String detail = tls.detail() == null ? "" : ": " + tls.detail();
        return switch (tls.problem()) {
            case NOT_OFFERED -> temp("4.7.4", "TLS is required, but was not offered by host " + host, tls.host(),
                    FailureKind.TLS, Scope.DESTINATION);
            case HANDSHAKE_FAILED -> temp("4.7.5", "Cannot start TLS with host " + host + ": handshake failure" + detail,
                    tls.host(), FailureKind.TLS, Scope.DESTINATION);
            case CERTIFICATE_NOT_TRUSTED -> temp("4.7.5", "Server certificate of host " + host + " not trusted" + detail,
                    tls.host(), FailureKind.TLS, Scope.DESTINATION);
            case NAME_MISMATCH -> temp("4.7.5", "Server certificate of host " + host + " does not match its name" + detail,
                    tls.host(), FailureKind.TLS, Scope.DESTINATION);
        };
    }

    private static Disposition dns(FailureFact.DnsFailure dns) {
        String type = dns.lookup() == DnsLookup.MX ? "MX" : "A/AAAA";
        String prefix = "Host or domain name not found. Name service error for name=" + dns.name() + " type=" + type + ": ";
        return switch (dns.answer()) {
            case DnsAnswer.TempFail<?> tempFail -> temp("4.4.3", prefix + "Host not found, try again (" + tempFail.reason() + ")",
                    null, FailureKind.DNS, Scope.DESTINATION);
            case DnsAnswer.NxDomain<?> nxDomain -> dns.lookup() == DnsLookup.MX_HOST_ADDRESS
                    ? perm("5.4.4", prefix + "Host not found", null, FailureKind.DNS, Scope.DESTINATION)
                    : perm("5.1.2", prefix + "Host not found", null, FailureKind.DNS, Scope.DESTINATION);
            case DnsAnswer.NoData<?> noData -> dns.lookup() == DnsLookup.MX
                    ? internal("a DNS answer that is no failure: no MX records for " + dns.name()
                            + " means its address records are to be used")
                    : perm("5.4.4", prefix + "No address records", null, FailureKind.DNS, Scope.DESTINATION);
            case DnsAnswer.Records<?> records -> internal("a DNS answer that is no failure: records for " + dns.name()
                    + " type=" + type);
        };
    }

    private static Disposition internal(String detail) {
        return new Disposition(Verdict.TEMP, Dsn.delayed(MAIL_SYSTEM_ERROR,
                "delivery temporarily suspended: internal error: " + detail), FailureKind.INTERNAL, Scope.MESSAGE);
    }

    private static Disposition temp(String status, String reason, RemoteHost host, FailureKind kind, Scope scope) {
        Dsn dsn = Dsn.delayed(EnhancedStatus.parse(status), reason);
        return new Disposition(Verdict.TEMP, host == null ? dsn : dsn.withRemote(null, host.name()), kind, scope);
    }

    private static Disposition perm(String status, String reason, RemoteHost host, FailureKind kind, Scope scope) {
        Dsn dsn = Dsn.failed(EnhancedStatus.parse(status), reason);
        return new Disposition(Verdict.PERM, host == null ? dsn : dsn.withRemote(null, host.name()), kind, scope);
    }
}
