package dev.steward.testkit;

import static dev.steward.testkit.ClientSessionDeliveryIT.MESSAGE;
import static dev.steward.testkit.ClientSessionDeliveryIT.TIMEOUTS;
import static dev.steward.testkit.ClientSessionDeliveryIT.WAIT;
import static dev.steward.testkit.ClientSessionDeliveryIT.bytes;
import static dev.steward.testkit.ClientSessionDeliveryIT.greeted;
import static dev.steward.testkit.ClientSessionDeliveryIT.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.AuthMechanism;
import dev.steward.smtp.wire.client.ClientFailure;
import dev.steward.smtp.wire.client.ClientSession;
import dev.steward.smtp.wire.client.ClientTimeouts;
import dev.steward.smtp.wire.client.SmtpClientException;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.smtp.wire.client.TlsOutcome;
import dev.steward.smtp.wire.client.TlsSettings;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** STARTTLS, implicit TLS and AUTH between {@link ClientSession} and {@link RecordingSmtpServer}. */
@Timeout(30)
class ClientSessionTlsIT {

    private static TestCa ca;
    private static TlsSettings trustingCa;
    private static TlsSettings requiringCa;

    @BeforeAll
    static void makeCa() {
        ca = TestCa.shared();
        trustingCa = new TlsSettings(false, ca.trustManager());
        requiringCa = new TlsSettings(true, ca.trustManager());
    }

    @Test
    void startTls_clientTrustsCa_verified_ehloAgain_deliveredUnderTls() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start()) {
            try (ClientSession session = greeted(server)) {
                assertThat(session.capabilities().startTls()).isTrue();

                TlsOutcome outcome = session.startTls("mx1.interop.test", trustingCa);

                TlsOutcome.Established established = (TlsOutcome.Established) outcome;
                assertThat(established.verified()).isTrue();
                assertThat(established.verificationProblem()).isNull();
                assertThat(established.protocol()).isIn("TLSv1.3", "TLSv1.2");
                assertThat(established.cipherSuite()).startsWith("TLS_");
                assertThat(established.peerSubject()).isEqualTo("CN=localhost");
                assertThat(session.tls()).contains(established);
                // RFC 3207 §4.2: a new EHLO; the server no longer offers STARTTLS.
                assertThat(session.capabilities().startTls()).isFalse();
                assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.messages().get(0).tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(server.connection(0).commands()).startsWith("EHLO client.test", "STARTTLS", "EHLO client.test");
        }
    }

    @Test
    void startTls_byIpAddress_verifiedAgainstIpSubjectAltName() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start();
             ClientSession session = greeted(server)) {
            TlsOutcome.Established established = (TlsOutcome.Established) session.startTls("127.0.0.1", trustingCa);
            assertThat(established.verified()).isTrue();
        }
    }

    @Test
    void startTls_clientDoesNotTrustCa_opportunistic_unverifiedButUsed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start();
             ClientSession session = greeted(server)) {
            TlsOutcome.Established established = (TlsOutcome.Established) session.startTls("mx1.interop.test",
                    TlsSettings.opportunistic());

            assertThat(established.verified()).isFalse();
            assertThat(established.verificationProblem()).isNotBlank();
            assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
            assertThat(server.awaitMessages(1, WAIT).get(0).tlsProtocol()).isNotNull();
        }
    }

    @Test
    void startTls_wrongHostName_opportunistic_unverified() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start();
             ClientSession session = greeted(server)) {
            TlsOutcome.Established established = (TlsOutcome.Established) session.startTls("mx2.other.test", trustingCa);

            assertThat(established.verified()).isFalse();
            assertThat(established.verificationProblem()).containsIgnoringCase("mx2.other.test");
        }
    }

    @Test
    void startTls_verificationRequired_untrusted_failedAndClosed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start()) {
            ClientSession session = greeted(server);

            TlsOutcome outcome = session.startTls("mx1.interop.test", TlsSettings.verified());

            assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Failed.class,
                    failed -> assertThat(failed.reason()).isEqualTo(TlsOutcome.Reason.UNVERIFIED));
            assertThat(session.isOpen()).isFalse();
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.connection(0).commands()).containsExactly("EHLO client.test", "STARTTLS");
        }
    }

    @Test
    void startTls_verificationRequired_trusted_established() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext()).start();
             ClientSession session = greeted(server)) {
            TlsOutcome.Established established = (TlsOutcome.Established) session.startTls("localhost", requiringCa);
            assertThat(established.verified()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = RecordingSmtpServer.BrokenTls.class, names = {"GARBAGE", "CLOSE"})
    void startTls_brokenHandshake_tlsFailureFact_sessionClosed(RecordingSmtpServer.BrokenTls how) throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().brokenStartTls(how).start()) {
            ClientSession session = greeted(server);

            TlsOutcome outcome = session.startTls("mx1.interop.test", trustingCa);

            assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Failed.class, failed -> {
                assertThat(failed.reason()).isIn(TlsOutcome.Reason.HANDSHAKE, TlsOutcome.Reason.CONNECTION_LOST);
                assertThat(failed.elapsed()).isPositive();
            });
            assertThat(session.isOpen()).isFalse();
            assertThat(session.tls()).isEmpty();
            server.awaitNoOpenConnections(WAIT);
        }
    }

    @Test
    void startTls_refusedWith454_plaintextSessionGoesOn() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext())
                .reply(Stage.STARTTLS, SmtpReply.of(454, "4.7.0", "TLS not available due to temporary reason")).start();
             ClientSession session = greeted(server)) {
            TlsOutcome outcome = session.startTls("mx1.interop.test", trustingCa);

            assertThat(outcome).isEqualTo(new TlsOutcome.Refused(
                    SmtpReply.of(454, "4.7.0", "TLS not available due to temporary reason")));
            assertThat(session.isOpen()).isTrue();
            assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
        }
    }

    @Test
    void startTls_replyNeverComes_timeoutFact() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext())
                .stall(Stage.STARTTLS).start();
             ClientSession session = ClientSession.over(server.connect(), shortCommandAndHandshake())) {
            session.readGreeting();
            session.ehlo("client.test");

            TlsOutcome outcome = session.startTls("mx1.interop.test", trustingCa);

            assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Failed.class,
                    failed -> assertThat(failed.reason()).isEqualTo(TlsOutcome.Reason.TIMEOUT));
            assertThat(session.isOpen()).isFalse();
        }
    }

    @Test
    void startTls_handshakeNeverAnswered_timeoutFact() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder()
                .brokenStartTls(RecordingSmtpServer.BrokenTls.SILENT).start();
             ClientSession session = ClientSession.over(server.connect(), shortCommandAndHandshake())) {
            session.readGreeting();
            session.ehlo("client.test");

            TlsOutcome outcome = session.startTls("mx1.interop.test", trustingCa);

            assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Failed.class, failed -> {
                assertThat(failed.reason()).isEqualTo(TlsOutcome.Reason.TIMEOUT);
                assertThat(failed.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            });
            assertThat(session.isOpen()).isFalse();
        }
    }

    private static ClientTimeouts shortCommandAndHandshake() {
        return new ClientTimeouts(TIMEOUTS.connect(), TIMEOUTS.greeting(), Duration.ofMillis(300),
                TIMEOUTS.dataInitiation(), TIMEOUTS.dataBlock(), TIMEOUTS.dataTermination(), Duration.ofMillis(300));
    }

    @Test
    void implicitTls_handshakeBeforeGreeting_delivers() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().implicitTls(ca.serverContext()).start()) {
            try (ClientSession session = ClientSession.over(server.connect(), TIMEOUTS)) {
                TlsOutcome.Established established = (TlsOutcome.Established) session.implicitTls("localhost", requiringCa);
                assertThat(established.verified()).isTrue();
                assertThat(session.readGreeting().code()).isEqualTo(220);
                session.ehlo("client.test");
                assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.messages().get(0).tlsProtocol()).isNotNull();
        }
    }

    @Test
    void implicitTls_againstPlaintextServer_failed() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.startPlain()) {
            ClientSession session = ClientSession.over(server.connect(), TIMEOUTS);
            TlsOutcome outcome = session.implicitTls("localhost", trustingCa);
            assertThat(outcome).isInstanceOf(TlsOutcome.Failed.class);
            assertThat(session.isOpen()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(AuthMechanism.class)
    void authenticate_underTls_accepted_messageRecordsUser(AuthMechanism mechanism) throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext())
                .auth("app@x.test", "s3cret p\u00e4ss").start()) {
            try (ClientSession session = greeted(server)) {
                session.startTls("localhost", requiringCa);
                assertThat(session.capabilities().authMechanisms()).contains(mechanism.name());

                SmtpReply reply = session.authenticate(mechanism, "app@x.test", "s3cret p\u00e4ss");

                assertThat(reply.code()).isEqualTo(235);
                assertThat(session.isAuthenticated()).isTrue();
                assertThat(send(session, bytes(MESSAGE), "a@x.test", "b@y.test").contentAccepted()).isTrue();
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.messages().get(0).authenticatedUser()).isEqualTo("app@x.test");
        }
    }

    @ParameterizedTest
    @EnumSource(AuthMechanism.class)
    void authenticate_wrongPassword_rejectedAtAuth_sessionStillOpen_credentialsNotInMessage(AuthMechanism mechanism)
            throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().startTls(ca.serverContext())
                .auth("app@x.test", "right").start();
             ClientSession session = greeted(server)) {
            session.startTls("localhost", trustingCa);

            assertThatThrownBy(() -> session.authenticate(mechanism, "app@x.test", "wrong-password-xyz"))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        ClientFailure.Rejected rejected = (ClientFailure.Rejected) e.failure();
                        assertThat(rejected.stage()).isEqualTo(Stage.AUTH);
                        assertThat(rejected.reply().code()).isEqualTo(535);
                        assertThat(e.getMessage()).doesNotContain("wrong-password-xyz", "app@x.test");
                    });
            assertThat(session.isOpen()).isTrue();
            assertThat(session.quit().code()).isEqualTo(221);
        }
    }

    @Test
    void authenticate_withoutTls_refusedByTheSession_nothingSent() throws Exception {
        try (RecordingSmtpServer server = RecordingSmtpServer.builder().auth("app@x.test", "secret").start()) {
            try (ClientSession session = greeted(server)) {
                assertThat(session.capabilities().authMechanisms()).containsExactly("PLAIN", "LOGIN");

                assertThatThrownBy(() -> session.authenticate(AuthMechanism.PLAIN, "app@x.test", "secret"))
                        .isInstanceOf(IllegalStateException.class);
                session.quit();
            }
            server.awaitNoOpenConnections(WAIT);
            assertThat(server.connection(0).commands()).containsExactly("EHLO client.test", "QUIT");
        }
    }

    @Test
    void startTls_plaintextInjectedAfter220_refused() throws Exception {
        // A man in the middle appends a reply to the server's 220 (the client side of CVE-2011-0411).
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket socket = listener.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    var out = socket.getOutputStream();
                    out.write(bytes("220 mx.test ESMTP\r\n"));
                    in.readLine();
                    out.write(bytes("250-mx.test\r\n250 STARTTLS\r\n"));
                    in.readLine();
                    out.write(bytes("220 2.0.0 Go ahead\r\n250 2.0.0 injected\r\n"));
                    out.flush();
                    in.readLine();   // until the client closes
                } catch (IOException ignored) {
                    // The client hangs up: expected.
                }
            });
            try (Socket socket = new Socket("127.0.0.1", listener.getLocalPort());
                 ClientSession session = ClientSession.over(socket, TIMEOUTS)) {
                session.readGreeting();
                session.ehlo("client.test");
                TlsOutcome outcome = session.startTls("mx.test", trustingCa);
                assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Failed.class,
                        failed -> assertThat(failed.reason()).isEqualTo(TlsOutcome.Reason.PROTOCOL));
                assertThat(session.isOpen()).isFalse();
            }
            peer.join();
        }
    }

    @Test
    void sharedCa_namesAndFiles() {
        assertThat(ca.serverChainPem()).exists();
        assertThat(List.of(ca.caCertificatePem(), ca.serverKeyPem(), ca.trustStoreFile())).allSatisfy(path ->
                assertThat(path).isRegularFile());
    }
}
