package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.relay.delivery.RemoteHost;
import dev.steward.relay.delivery.TlsSummary;
import dev.steward.relay.policy.Disposition.Verdict;
import dev.steward.relay.policy.FailureFact.TlsProblem;
import dev.steward.relay.policy.TlsPolicy.MtaStsMode;
import dev.steward.relay.policy.TlsPolicy.TlsLevel;
import dev.steward.smtp.wire.SmtpReply;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TlsPolicyTest {

    private static final RemoteHost MX = new RemoteHost("mx.example.org", "203.0.113.5", 25);
    private static final TlsPolicy POLICY = new TlsPolicy();

    @ParameterizedTest(name = "smarthost={0} mta-sts={1} -> {2}")
    @CsvSource({
            "false, NONE,    OPPORTUNISTIC",
            "false, TESTING, OPPORTUNISTIC",
            "false, ENFORCE, VERIFIED",
            "true,  NONE,    VERIFIED",
            "true,  ENFORCE, VERIFIED"})
    void levelFor_table(boolean smarthost, MtaStsMode mode, TlsLevel expected) {
        assertThat(POLICY.levelFor(smarthost, mode)).isEqualTo(expected);
    }

    /** Level, STARTTLS offered, plaintext retry, expected decision (with the log value or the deferring problem). */
    static Stream<Arguments> ehloCases() {
        return Stream.of(
                Arguments.of(TlsLevel.OPPORTUNISTIC, true, false, new TlsDecision.StartTls()),
                Arguments.of(TlsLevel.OPPORTUNISTIC, false, false, new TlsDecision.Plaintext(TlsSummary.NONE)),
                Arguments.of(TlsLevel.OPPORTUNISTIC, true, true, new TlsDecision.Plaintext(TlsSummary.FALLBACK)),
                Arguments.of(TlsLevel.OPPORTUNISTIC, false, true, new TlsDecision.Plaintext(TlsSummary.FALLBACK)),
                Arguments.of(TlsLevel.VERIFIED, true, false, new TlsDecision.StartTls()),
                Arguments.of(TlsLevel.VERIFIED, false, false,
                        new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.NOT_OFFERED, MX, null))));
    }

    @ParameterizedTest(name = "[{index}] {0} offered={1} retry={2}")
    @MethodSource("ehloCases")
    void afterEhlo_table(TlsLevel level, boolean offered, boolean retry, TlsDecision expected) {
        assertThat(POLICY.afterEhlo(level, offered, retry, MX)).isEqualTo(expected);
    }

    @Test
    void afterEhlo_plaintextRetryAtVerifiedLevel_isABug() {
        assertThatThrownBy(() -> POLICY.afterEhlo(TlsLevel.VERIFIED, true, true, MX)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> startTlsCases() {
        StartTlsResult good = new StartTlsResult.Established("TLSv1.3", "TLS_AES_256_GCM_SHA384", true, true);
        StartTlsResult selfSigned = new StartTlsResult.Established("TLSv1.3", "TLS_AES_256_GCM_SHA384", false, false);
        StartTlsResult wrongName = new StartTlsResult.Established("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true, false);
        SmtpReply refused454 = SmtpReply.of(454, "4.7.0", "TLS not available due to temporary reason");
        SmtpReply closing421 = SmtpReply.of(421, "4.3.2", "shutting down");
        return Stream.of(
                Arguments.of(TlsLevel.OPPORTUNISTIC, good,
                        new TlsDecision.Encrypted(new TlsSummary.Encrypted("TLSv1.3", "TLS_AES_256_GCM_SHA384", true))),
                Arguments.of(TlsLevel.OPPORTUNISTIC, selfSigned,
                        new TlsDecision.Encrypted(new TlsSummary.Encrypted("TLSv1.3", "TLS_AES_256_GCM_SHA384", false))),
                Arguments.of(TlsLevel.OPPORTUNISTIC, wrongName, new TlsDecision.Encrypted(
                        new TlsSummary.Encrypted("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false))),
                Arguments.of(TlsLevel.OPPORTUNISTIC, new StartTlsResult.Refused(refused454),
                        new TlsDecision.Plaintext(TlsSummary.FALLBACK)),
                Arguments.of(TlsLevel.OPPORTUNISTIC, new StartTlsResult.Refused(closing421),
                        new TlsDecision.Defer(new FailureFact.RemoteReply(SmtpStage.STARTTLS, closing421, MX))),
                Arguments.of(TlsLevel.OPPORTUNISTIC, new StartTlsResult.HandshakeFailed("Received fatal alert"),
                        new TlsDecision.ReconnectWithoutTls()),
                Arguments.of(TlsLevel.OPPORTUNISTIC, new StartTlsResult.Stalled("no ServerHello in 30s"),
                        new TlsDecision.ReconnectWithoutTls()),
                Arguments.of(TlsLevel.OPPORTUNISTIC, new StartTlsResult.Unverified("PKIX path building failed"),
                        new TlsDecision.ReconnectWithoutTls()),
                Arguments.of(TlsLevel.VERIFIED, good,
                        new TlsDecision.Encrypted(new TlsSummary.Encrypted("TLSv1.3", "TLS_AES_256_GCM_SHA384", true))),
                Arguments.of(TlsLevel.VERIFIED, selfSigned, new TlsDecision.Defer(
                        new FailureFact.TlsFailed(TlsProblem.CERTIFICATE_NOT_TRUSTED, MX, null))),
                Arguments.of(TlsLevel.VERIFIED, wrongName, new TlsDecision.Defer(
                        new FailureFact.TlsFailed(TlsProblem.NAME_MISMATCH, MX, null))),
                Arguments.of(TlsLevel.VERIFIED, new StartTlsResult.Refused(refused454),
                        new TlsDecision.Defer(new FailureFact.RemoteReply(SmtpStage.STARTTLS, refused454, MX))),
                Arguments.of(TlsLevel.VERIFIED, new StartTlsResult.HandshakeFailed("Received fatal alert"), new TlsDecision.Defer(
                        new FailureFact.TlsFailed(TlsProblem.HANDSHAKE_FAILED, MX, "Received fatal alert"))),
                Arguments.of(TlsLevel.VERIFIED, new StartTlsResult.Stalled("no ServerHello in 30s"), new TlsDecision.Defer(
                        new FailureFact.TlsFailed(TlsProblem.HANDSHAKE_FAILED, MX, "no ServerHello in 30s"))),
                Arguments.of(TlsLevel.VERIFIED, new StartTlsResult.Unverified("PKIX path building failed"), new TlsDecision.Defer(
                        new FailureFact.TlsFailed(TlsProblem.CERTIFICATE_NOT_TRUSTED, MX, "PKIX path building failed"))));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("startTlsCases")
    void afterStartTls_table(TlsLevel level, StartTlsResult result, TlsDecision expected) {
        assertThat(POLICY.afterStartTls(level, result, MX)).isEqualTo(expected);
    }

    /** Verified TLS never ends in plaintext, and every deferral it causes is temporary. */
    @Test
    void verified_neverPlaintext_alwaysTemporary() {
        FailureClassifier classifier = new FailureClassifier();
        List<TlsDecision> decisions = Stream.concat(
                Stream.of(POLICY.afterEhlo(TlsLevel.VERIFIED, false, false, MX), POLICY.afterEhlo(TlsLevel.VERIFIED, true, false, MX)),
                startTlsCases().filter(arguments -> arguments.get()[0] == TlsLevel.VERIFIED)
                        .map(arguments -> POLICY.afterStartTls(TlsLevel.VERIFIED, (StartTlsResult) arguments.get()[1], MX)))
                .toList();

        for (TlsDecision decision : decisions) {
            assertThat(decision).isNotInstanceOfAny(TlsDecision.Plaintext.class, TlsDecision.ReconnectWithoutTls.class);
            if (decision instanceof TlsDecision.Defer defer) {
                assertThat(classifier.classify(defer.fact()).verdict()).isEqualTo(Verdict.TEMP);
                assertThat(classifier.classify(defer.fact()).deferDestination()).isTrue();
            }
        }
    }

    /** RFC 8461 §4.1 matching; patterns are {@code ;}-separated. */
    @ParameterizedTest(name = "{0} {1} in [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            ENFORCE | mx1.example.net       | mx1.example.net                  | true
            ENFORCE | MX1.Example.NET.      | mx1.example.net                  | true
            ENFORCE | mx1.example.net       | mx1.example.net.                 | true
            ENFORCE | mx2.example.net       | mx1.example.net                  | false
            ENFORCE | mx1.example.net       | *.example.net                    | true
            ENFORCE | a.b.example.net       | *.example.net                    | false
            ENFORCE | example.net           | *.example.net                    | false
            ENFORCE | mx.evilexample.net    | *.example.net                    | false
            ENFORCE | mx.example.net.evil   | *.example.net                    | false
            ENFORCE | mx.backup.test        | mx1.example.net;*.backup.test    | true
            ENFORCE | mx.example.net        | ''                               | false
            TESTING | mx.evil.test          | mx1.example.net                  | true
            NONE    | mx.evil.test          | ''                               | true
            """)
    void mxAllowed_rfc8461Matching(MtaStsMode mode, String host, String patterns, boolean expected) {
        List<String> list = patterns.isEmpty() ? List.of() : Arrays.asList(patterns.split(";"));

        assertThat(POLICY.mxAllowed(mode, host, list)).isEqualTo(expected);
    }
}
