package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.model.Dsn;
import dev.steward.relay.delivery.AttemptResult;
import dev.steward.relay.delivery.FailureKind;
import dev.steward.relay.delivery.RemoteHost;
import dev.steward.relay.policy.Disposition.Scope;
import dev.steward.relay.policy.Disposition.Verdict;
import dev.steward.relay.policy.FailureFact.DnsLookup;
import dev.steward.relay.policy.FailureFact.TlsProblem;
import dev.steward.smtp.wire.SmtpReply;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {

    private static final RemoteHost MX = new RemoteHost("mx.example.org", "203.0.113.5", 25);
    private static final FailureClassifier CLASSIFIER = new FailureClassifier();

    /**
     * Replies: stage, code, enhanced code ({@code -} for none), then the expected verdict, status,
     * kind tag, scope and whether the whole destination is deferred.
     */
    @ParameterizedTest(name = "[{index}] {0} {1} {2} -> {3} {4} {5} {6}")
    @CsvSource(delimiter = '|', textBlock = """
            RCPT        | 550 | 5.1.1  | PERM | 5.1.1  | reply      | RECIPIENT   | false
            RCPT        | 550 | -      | PERM | 5.0.0  | reply      | RECIPIENT   | false
            RCPT        | 553 | -      | PERM | 5.0.0  | reply      | RECIPIENT   | false
            RCPT        | 554 | 5.7.1  | PERM | 5.7.1  | reply      | RECIPIENT   | false
            RCPT        | 450 | 4.2.0  | TEMP | 4.2.0  | reply      | RECIPIENT   | false
            RCPT        | 451 | -      | TEMP | 4.0.0  | reply      | RECIPIENT   | false
            RCPT        | 450 | 4.7.1  | TEMP | 4.7.1  | reply      | RECIPIENT   | false
            RCPT        | 452 | 4.5.3  | TEMP | 4.5.3  | rate_limit | RECIPIENT   | false
            RCPT        | 452 | 4.3.1  | TEMP | 4.3.1  | reply      | RECIPIENT   | false
            RCPT        | 552 | -      | TEMP | 4.5.3  | rate_limit | RECIPIENT   | false
            RCPT        | 552 | 5.5.3  | TEMP | 4.5.3  | rate_limit | RECIPIENT   | false
            RCPT        | 552 | 5.2.2  | PERM | 5.2.2  | reply      | RECIPIENT   | false
            RCPT        | 421 | 4.7.0  | TEMP | 4.7.0  | rate_limit | DESTINATION | true
            RCPT        | 421 | -      | TEMP | 4.0.0  | rate_limit | DESTINATION | true
            RCPT        | 354 | -      | TEMP | 4.5.0  | protocol   | RECIPIENT   | false
            RCPT        | 250 | 2.1.5  | TEMP | 4.5.0  | protocol   | RECIPIENT   | false
            MAIL        | 550 | 5.7.1  | PERM | 5.7.1  | reply      | MESSAGE     | false
            MAIL        | 451 | 4.3.0  | TEMP | 4.3.0  | reply      | MESSAGE     | false
            MAIL        | 552 | -      | PERM | 5.3.4  | reply      | MESSAGE     | false
            MAIL        | 552 | 5.3.4  | PERM | 5.3.4  | reply      | MESSAGE     | false
            MAIL        | 555 | 5.5.4  | PERM | 5.5.4  | reply      | MESSAGE     | false
            MAIL        | 421 | 4.4.2  | TEMP | 4.4.2  | rate_limit | DESTINATION | true
            DATA        | 554 | -      | PERM | 5.0.0  | reply      | MESSAGE     | false
            DATA        | 451 | -      | TEMP | 4.0.0  | reply      | MESSAGE     | false
            DATA        | 250 | -      | TEMP | 4.5.0  | protocol   | MESSAGE     | false
            END_OF_DATA | 552 | -      | PERM | 5.3.4  | reply      | MESSAGE     | false
            END_OF_DATA | 552 | 5.2.3  | PERM | 5.2.3  | reply      | MESSAGE     | false
            END_OF_DATA | 552 | 5.2.2  | PERM | 5.2.2  | reply      | MESSAGE     | false
            END_OF_DATA | 554 | 5.7.1  | PERM | 5.7.1  | reply      | MESSAGE     | false
            END_OF_DATA | 550 | 5.6.0  | PERM | 5.6.0  | reply      | MESSAGE     | false
            END_OF_DATA | 451 | 4.7.650| TEMP | 4.7.650| reply      | MESSAGE     | false
            END_OF_DATA | 421 | -      | TEMP | 4.0.0  | rate_limit | DESTINATION | true
            GREETING    | 554 | -      | TEMP | 4.0.0  | reply      | DESTINATION | true
            GREETING    | 554 | 5.7.1  | TEMP | 4.7.1  | reply      | DESTINATION | true
            GREETING    | 421 | -      | TEMP | 4.0.0  | rate_limit | DESTINATION | true
            GREETING    | 450 | -      | TEMP | 4.0.0  | reply      | DESTINATION | true
            EHLO        | 550 | 5.7.1  | PERM | 5.7.1  | reply      | DESTINATION | false
            EHLO        | 451 | -      | TEMP | 4.0.0  | reply      | DESTINATION | true
            HELO        | 501 | -      | PERM | 5.0.0  | reply      | DESTINATION | false
            HELO        | 220 | -      | TEMP | 4.5.0  | protocol   | DESTINATION | true
            STARTTLS    | 454 | 4.7.0  | TEMP | 4.7.0  | tls        | DESTINATION | true
            STARTTLS    | 502 | 5.5.1  | TEMP | 4.5.1  | tls        | DESTINATION | true
            STARTTLS    | 421 | -      | TEMP | 4.0.0  | rate_limit | DESTINATION | true
            AUTH        | 535 | 5.7.8  | TEMP | 4.7.8  | reply      | DESTINATION | true
            AUTH        | 454 | 4.7.0  | TEMP | 4.7.0  | reply      | DESTINATION | true
            """)
    void classify_reply_table(SmtpStage stage, int code, String enhanced, Verdict verdict, String status, String kind,
            Scope scope, boolean deferDestination) {
        SmtpReply reply = SmtpReply.of(code, enhanced.equals("-") ? null : enhanced, "text");

        Disposition disposition = CLASSIFIER.classify(new FailureFact.RemoteReply(stage, reply, MX));

        assertThat(disposition.verdict()).isEqualTo(verdict);
        assertThat(disposition.dsn().status()).hasToString(status);
        assertThat(disposition.kind().tag()).isEqualTo(kind);
        assertThat(disposition.scope()).isEqualTo(scope);
        assertThat(disposition.deferDestination()).isEqualTo(deferDestination);
        assertThat(disposition.dsn().action()).isEqualTo(verdict == Verdict.PERM ? Dsn.Action.FAILED : Dsn.Action.DELAYED);
        assertThat(disposition.dsn().remoteMta()).isEqualTo("mx.example.org");
        assertThat(disposition.dsn().diagnostic().type()).isEqualTo("smtp");
    }

    @Test
    void classify_multiLineRcptReply_postfixReasonAndDiagnostic() {
        SmtpReply reply = SmtpReply.of(550, "5.1.1", "The email account that you tried to reach does not exist.",
                "Please check the address.");

        Disposition disposition = CLASSIFIER.classify(new FailureFact.RemoteReply(SmtpStage.RCPT, reply, MX));

        assertThat(disposition.dsn().reason()).isEqualTo("host mx.example.org[203.0.113.5] said: 550-5.1.1 The email"
                + " account that you tried to reach does not exist. 550 5.1.1 Please check the address. (in reply to RCPT TO command)");
        assertThat(disposition.dsn().diagnostic()).hasToString("smtp; 550-5.1.1 The email account that you tried to reach"
                + " does not exist. 550 5.1.1 Please check the address.");
    }

    @Test
    void classify_greetingAndStarttlsAndAuth_reasonsSayWhatHappened() {
        assertThat(reason(new FailureFact.RemoteReply(SmtpStage.GREETING, SmtpReply.of(554, null, "go away"), MX)))
                .isEqualTo("host mx.example.org[203.0.113.5] refused to talk to me: 554 go away");
        assertThat(reason(new FailureFact.RemoteReply(SmtpStage.STARTTLS, SmtpReply.of(454, "4.7.0", "TLS not available"), MX)))
                .isEqualTo("TLS is required, but host mx.example.org[203.0.113.5] refused to start TLS: 454 4.7.0 TLS not available");
        assertThat(reason(new FailureFact.RemoteReply(SmtpStage.AUTH, SmtpReply.of(535, "5.7.8", "bad credentials"), MX)))
                .isEqualTo("authentication failed; host mx.example.org[203.0.113.5] said: 535 5.7.8 bad credentials");
        assertThat(reason(new FailureFact.RemoteReply(SmtpStage.RCPT, SmtpReply.of(354, null, "go ahead"), MX)))
                .isEqualTo("Protocol error: host mx.example.org[203.0.113.5] said: 354 go ahead (in reply to RCPT TO command)");
    }

    /** Every fact that is not a reply: the fact, then verdict, status, kind tag, scope, the reason. */
    static Stream<Arguments> otherFacts() {
        return Stream.of(
                Arguments.of(new FailureFact.ConnectFailed(MX, "Connection refused"), Verdict.TEMP, "4.4.1", "connect",
                        Scope.DESTINATION, "connect to mx.example.org[203.0.113.5]:25: Connection refused"),
                Arguments.of(new FailureFact.ConnectFailed(MX, "connect timed out"), Verdict.TEMP, "4.4.1", "connect",
                        Scope.DESTINATION, "connect to mx.example.org[203.0.113.5]:25: connect timed out"),
                Arguments.of(new FailureFact.ConnectionLost(SmtpStage.END_OF_DATA, MX), Verdict.TEMP, "4.4.2", "connect",
                        Scope.DESTINATION, "lost connection with mx.example.org[203.0.113.5] while sending end of data"
                                + " -- message may be sent more than once"),
                Arguments.of(new FailureFact.TimedOut(SmtpStage.GREETING, MX), Verdict.TEMP, "4.4.2", "connect",
                        Scope.DESTINATION, "conversation with mx.example.org[203.0.113.5] timed out while receiving the"
                                + " initial server greeting"),
                Arguments.of(new FailureFact.MalformedReply(SmtpStage.EHLO, MX, "no reply code"), Verdict.TEMP, "4.5.0",
                        "protocol", Scope.DESTINATION, "Protocol error: malformed reply from mx.example.org[203.0.113.5]"
                                + " while performing the EHLO handshake: no reply code"),
                Arguments.of(new FailureFact.TlsFailed(TlsProblem.NOT_OFFERED, MX, null), Verdict.TEMP, "4.7.4", "tls",
                        Scope.DESTINATION, "TLS is required, but was not offered by host mx.example.org[203.0.113.5]"),
                Arguments.of(new FailureFact.TlsFailed(TlsProblem.HANDSHAKE_FAILED, MX, "Received fatal alert: handshake_failure"),
                        Verdict.TEMP, "4.7.5", "tls", Scope.DESTINATION, "Cannot start TLS with host mx.example.org[203.0.113.5]:"
                                + " handshake failure: Received fatal alert: handshake_failure"),
                Arguments.of(new FailureFact.TlsFailed(TlsProblem.CERTIFICATE_NOT_TRUSTED, MX, null), Verdict.TEMP, "4.7.5",
                        "tls", Scope.DESTINATION, "Server certificate of host mx.example.org[203.0.113.5] not trusted"),
                Arguments.of(new FailureFact.TlsFailed(TlsProblem.NAME_MISMATCH, MX, "names: other.example"), Verdict.TEMP,
                        "4.7.5", "tls", Scope.DESTINATION, "Server certificate of host mx.example.org[203.0.113.5] does not"
                                + " match its name: names: other.example"),
                Arguments.of(new FailureFact.MxNotInMtaStsPolicy("mx.evil.test"), Verdict.TEMP, "4.7.0", "policy",
                        Scope.DESTINATION, "MX host mx.evil.test is not listed in the recipient domain's MTA-STS policy (mode enforce)"),
                Arguments.of(dns(DnsLookup.MX, "example.invalid", new DnsAnswer.NxDomain<>("example.invalid")), Verdict.PERM,
                        "5.1.2", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error for"
                                + " name=example.invalid type=MX: Host not found"),
                Arguments.of(dns(DnsLookup.DOMAIN_ADDRESS, "example.invalid", new DnsAnswer.NxDomain<>("example.invalid")),
                        Verdict.PERM, "5.1.2", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error"
                                + " for name=example.invalid type=A/AAAA: Host not found"),
                Arguments.of(dns(DnsLookup.DOMAIN_ADDRESS, "example.org", new DnsAnswer.NoData<>("example.org")), Verdict.PERM,
                        "5.4.4", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error for"
                                + " name=example.org type=A/AAAA: No address records"),
                Arguments.of(dns(DnsLookup.MX_HOST_ADDRESS, "mx.example.org", new DnsAnswer.NxDomain<>("mx.example.org")),
                        Verdict.PERM, "5.4.4", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error"
                                + " for name=mx.example.org type=A/AAAA: Host not found"),
                Arguments.of(dns(DnsLookup.MX_HOST_ADDRESS, "mx.example.org", new DnsAnswer.NoData<>("mx.example.org")),
                        Verdict.PERM, "5.4.4", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error"
                                + " for name=mx.example.org type=A/AAAA: No address records"),
                Arguments.of(dns(DnsLookup.MX, "example.org", new DnsAnswer.TempFail<>("example.org", "SERVFAIL")),
                        Verdict.TEMP, "4.4.3", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error"
                                + " for name=example.org type=MX: Host not found, try again (SERVFAIL)"),
                Arguments.of(dns(DnsLookup.MX_HOST_ADDRESS, "mx.example.org", new DnsAnswer.TempFail<>("mx.example.org", "timeout")),
                        Verdict.TEMP, "4.4.3", "dns", Scope.DESTINATION, "Host or domain name not found. Name service error"
                                + " for name=mx.example.org type=A/AAAA: Host not found, try again (timeout)"),
                Arguments.of(dns(DnsLookup.MX, "example.org", new DnsAnswer.NoData<>("example.org")), Verdict.TEMP, "4.3.0",
                        "internal", Scope.MESSAGE, "delivery temporarily suspended: internal error: a DNS answer that is no"
                                + " failure: no MX records for example.org means its address records are to be used"),
                Arguments.of(dns(DnsLookup.MX, "example.org", new DnsAnswer.Records<>(List.of("mx.example.org"))), Verdict.TEMP,
                        "4.3.0", "internal", Scope.MESSAGE, "delivery temporarily suspended: internal error: a DNS answer that"
                                + " is no failure: records for example.org type=MX"),
                Arguments.of(new FailureFact.NullMx("example.net"), Verdict.PERM, "5.1.10", "dns", Scope.DESTINATION,
                        "Domain example.net does not accept mail (null MX)"),
                Arguments.of(new FailureFact.LoopsBackToMyself("example.net"), Verdict.PERM, "5.4.6", "loop", Scope.DESTINATION,
                        "mail for example.net loops back to myself"),
                Arguments.of(new FailureFact.TooManyHops(101), Verdict.PERM, "5.4.6", "loop", Scope.MESSAGE,
                        "mail forwarding loop: the message has 101 Received headers"),
                Arguments.of(new FailureFact.Smtputf8NotOffered(MX), Verdict.PERM, "5.6.7", "protocol", Scope.MESSAGE,
                        "SMTPUTF8 is required, but was not offered by host mx.example.org[203.0.113.5]"),
                Arguments.of(new FailureFact.SizeExceeded(30_000_000, 20_971_520, MX), Verdict.PERM, "5.3.4", "protocol",
                        Scope.MESSAGE, "message size 30000000 exceeds size limit 20971520 of server mx.example.org[203.0.113.5]"),
                Arguments.of(new FailureFact.LocalIo("ID.msg: Input/output error"), Verdict.TEMP, "4.3.0", "local_io",
                        Scope.MESSAGE, "local data error while reading the queued message: ID.msg: Input/output error"),
                Arguments.of(new FailureFact.Unexpected("java.lang.NullPointerException: boom"), Verdict.TEMP, "4.3.0",
                        "internal", Scope.MESSAGE, "delivery temporarily suspended: internal error:"
                                + " java.lang.NullPointerException: boom"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("otherFacts")
    void classify_otherFacts_table(FailureFact fact, Verdict verdict, String status, String kind, Scope scope, String reason) {
        Disposition disposition = CLASSIFIER.classify(fact);

        assertThat(disposition.verdict()).isEqualTo(verdict);
        assertThat(disposition.dsn().status()).hasToString(status);
        assertThat(disposition.kind().tag()).isEqualTo(kind);
        assertThat(disposition.scope()).isEqualTo(scope);
        assertThat(disposition.dsn().reason()).isEqualTo(reason);
        assertThat(disposition.dsn().diagnostic()).isNull();
        assertThat(disposition.deferDestination()).isEqualTo(verdict == Verdict.TEMP && scope == Scope.DESTINATION);
    }

    @Test
    void classify_unknownIsNeverPermanent() {
        // STYLE B5.3: only an explicit 5xx, a permanent DNS answer or expiry bounces.
        assertThat(CLASSIFIER.classify(new FailureFact.Unexpected("anything")).verdict()).isEqualTo(Verdict.TEMP);
        for (int code : new int[] {200, 220, 250, 251, 252, 334, 354}) {
            for (SmtpStage stage : SmtpStage.values()) {
                Disposition disposition = CLASSIFIER.classify(new FailureFact.RemoteReply(stage, SmtpReply.of(code, null, "?"), MX));
                assertThat(disposition.verdict()).as("%s %s", stage, code).isEqualTo(Verdict.TEMP);
            }
        }
    }

    @Test
    void classify_hostKnown_remoteMtaSet() {
        assertThat(CLASSIFIER.classify(new FailureFact.ConnectFailed(MX, "Connection refused")).dsn().remoteMta())
                .isEqualTo("mx.example.org");
        assertThat(CLASSIFIER.classify(new FailureFact.NullMx("example.net")).dsn().remoteMta()).isNull();
    }

    @Test
    void toResult_buildsTheAttemptResult() {
        Disposition temp = CLASSIFIER.classify(new FailureFact.ConnectFailed(MX, "Connection refused"));
        Disposition perm = CLASSIFIER.classify(new FailureFact.RemoteReply(SmtpStage.RCPT, SmtpReply.of(550, "5.1.1", "no"), MX));

        assertThat(temp.toResult(MX)).isEqualTo(new AttemptResult.TempFailed(temp.dsn(), MX, FailureKind.CONNECT, true));
        assertThat(perm.toResult(MX)).isEqualTo(new AttemptResult.PermFailed(perm.dsn(), MX, FailureKind.REMOTE_REPLY));
    }

    private static FailureFact dns(DnsLookup lookup, String name, DnsAnswer<?> answer) {
        return new FailureFact.DnsFailure(lookup, name, answer);
    }

    private static String reason(FailureFact fact) {
        return CLASSIFIER.classify(fact).dsn().reason();
    }
}
