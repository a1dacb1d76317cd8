package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.testkit.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay delivering to a real MX: a private Postfix ({@code scripts/postfix-instance} in
 * receiving mode) as the final destination of {@code example.test}, {@code app.example.test} and
 * {@code v6.example.test}, delivering into maildirs; a private NSD ({@code scripts/dns-instance})
 * serving {@code example.test.zone}, whose MX hosts are 127.0.0.1 and ::1; the relay as a child
 * JVM with {@code [dns] servers} at NSD and {@code [testing] mx_port_override} at Postfix's port.
 *
 * <p>What it shows: the message arrives byte for byte behind Postfix's trace headers; both sides
 * log the same TLS session, or none when Postfix offers no STARTTLS; a 550 from Postfix becomes an
 * RFC 3464 bounce that Python's email package reads; a 450 is deferred, and after Postfix is
 * reconfigured {@code steward queue flush} delivers it; an MX with only an AAAA record is reached
 * over ::1.
 *
 * <p>NSD and the certificate authority serve the whole class (read-only, and slow to make); each
 * test starts and stops its own Postfix and relay, in {@link #stopPeers} even when it fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostfixMxInteropIT {
    private static final String SENDER = "app@app.example.test";
    private static final String BOB = "bob@example.test";
    private static final String LATER = "later@example.test";
    private static final String CAROL_V6 = "carol@v6.example.test";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path classWork;
    private static DnsInstance nsd;
    private static TestCa ca;
    private static boolean ipv6;

    private PostfixInstance postfix; // this test's receiving MX; replaced when a test reconfigures it
    private RelayProcess relay;      // this test's relay

    @BeforeAll
    static void startDnsAndMakeCertificates() {
        ipv6 = hasIpv6Loopback();
        classWork = InteropPaths.newWorkDir("mx");
        Path zone = classWork.resolve("example.test.zone");
        try (InputStream in = PostfixMxInteropIT.class.getResourceAsStream("example.test.zone")) {
            Files.copy(in, zone);
            Files.createDirectories(classWork.resolve("ca"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nsd = DnsInstance.start(classWork.resolve("nsd"), List.of(zone));
        ca = TestCa.create(classWork.resolve("ca"), "mx1.example.test", "mx6.example.test");
    }

    @AfterAll
    static void stopDns() {
        if (nsd != null) {
            nsd.close();
        }
    }

    @AfterEach
    void stopPeers() {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (postfix != null) {
                postfix.close();
            }
        }
    }

    /** The options of a receiving Postfix for every test mailbox, plus {@code more}. */
    private static List<String> receivingMx(boolean startTls, String... more) {
        List<String> options = new ArrayList<>(List.of("--hostname", "mx1.example.test",
                "--mailbox", BOB, "--mailbox", SENDER, "--mailbox", LATER, "--mailbox", CAROL_V6));
        if (startTls) {
            options.addAll(List.of("--tls-cert", ca.serverChainPem().toString(), "--tls-key", ca.serverKeyPem().toString()));
        }
        if (ipv6) {
            options.add("--ipv6");
        }
        options.addAll(List.of(more));
        return options;
    }

    private void start(Path work, List<String> postfixOptions) {
        postfix = PostfixInstance.start(work.resolve("postfix"), RelayProcess.freeLoopbackPort(), postfixOptions);
        relay = RelayProcess.start(work, RelayProcess.Settings.defaults()
                .withDelivery("""
                        connect_timeout = "5s"
                        starttls_timeout = "10s"
                        """)
                .withSections("""
                        [dns]
                        servers = ["%s"]
                        timeout = "2s"

                        [testing]
                        mx_port_override = %d
                        """.formatted(nsd.server(), postfix.smtpdPort()))
                .withTestOverrides());
    }

    static String message(String to, String subject, String body) {
        return "From: App <" + SENDER + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@app.example.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "X-Folded: a header field that goes on\r\n"
                + "\tover a second line\r\n"
                + "\r\n"
                + body;
    }

    /** Submits over SMTP with swaks and returns the relay's queue id. */
    private String submit(Path work, String to, String data) {
        SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks-" + to.replace('@', '-'), relay.port(), SENDER,
                List.of(to), data);
        assertThat(outcome.result().exitCode()).as(outcome.transcript()).isZero();
        return outcome.queueId().orElseThrow(() -> new AssertionError("no queue id\n" + outcome.transcript()));
    }

    /** The relay's delivery line for this message and recipient with this status, waiting for it. */
    private LogFields awaitDelivery(String queueId, String recipient, String status) {
        String line = relay.awaitLine(l -> l.contains("delivery queue_id=" + queueId + " ")
                && l.contains(" to=<" + recipient + "> ") && l.contains(" status=" + status + " "), WAIT)
                .orElseThrow(() -> new AssertionError("no delivery line with status=" + status + " for " + queueId
                        + " to " + recipient + " within " + WAIT + "\n" + relay.output() + "\n--- maillog ---\n"
                        + postfix.maillogText()));
        return LogFields.parse(line, "delivery");
    }

    private void awaitRemoved(String queueId) {
        assertThat(relay.awaitLine(l -> l.contains("removed queue_id=" + queueId), WAIT))
                .as("the relay removes " + queueId + " after the last recipient\n" + relay.output()).isPresent();
    }

    private Path awaitOneMessage(String mailbox) {
        List<Path> delivered = postfix.awaitMessages(mailbox, 1, WAIT).orElseThrow(() -> new AssertionError(
                "nothing in the maildir of " + mailbox + " within " + WAIT + "\n--- maillog ---\n"
                        + postfix.maillogText() + "\n" + relay.output()));
        assertThat(delivered).as("exactly one message for " + mailbox).hasSize(1);
        return delivered.get(0);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header fields of a block of LF-terminated header lines, each unfolded to "Name: value". */
    private static List<String> fields(String head) {
        List<String> fields = new ArrayList<>();
        for (String line : head.split("\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\n" + line);
            } else if (!line.isEmpty()) {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String fieldName(String field) {
        return field.substring(0, field.indexOf(':'));
    }

    /**
     * {@code host[ip]} as a regex for the relay's {@code relay=} field: over ::1 when the loopback
     * has it (the MX host is dual-stack and IPv6 goes first), else 127.0.0.1. The relay writes
     * IPv6 addresses in RFC 5952 form ({@code ::1}), as Postfix does.
     */
    private static String relayName(String host) {
        return Pattern.quote(host) + (ipv6 ? "\\[::1\\]" : "\\[127\\.0\\.0\\.1\\]");
    }

    @Test
    void startTls_messageArrivesByteExactBehindPostfixTraceHeaders_andBothSidesLogTheSameTls() {
        Path work = InteropPaths.newWorkDir("mx-tls");
        start(work, receivingMx(true));
        String body = "Hello Bob,\r\n"
                + ".A line that starts with a dot.\r\n"
                + "..And one with two.\r\n"
                + "Trailing spaces   \r\n"
                + "\tA tab first.\r\n"
                + "Gr\u00fc\u00dfe, 8-bit UTF-8.\r\n"
                + "\r\n"
                + "End.\r\n";
        String sent = message(BOB, "over TLS", body);
        String id = submit(work, BOB, sent);

        LogFields delivery = awaitDelivery(id, BOB, "sent");
        Path file = awaitOneMessage(BOB);
        awaitRemoved(id);

        // (a) Postfix stores mail with LF line ends (Unix maildir); apart from that, what the
        // application sent is the end of the file, byte for byte.
        String stored = read(file);
        String expected = sent.replace("\r\n", "\n");
        assertThat(stored).as(stored).endsWith(expected);
        List<String> trace = fields(stored.substring(0, stored.length() - expected.length()));
        assertThat(trace).as(stored).extracting(PostfixMxInteropIT::fieldName)
                .containsExactly("Return-Path", "X-Original-To", "Delivered-To", "Received", "Received");
        assertThat(trace.get(0)).isEqualTo("Return-Path: <" + SENDER + ">");
        assertThat(trace.get(2)).isEqualTo("Delivered-To: " + BOB);
        assertThat(trace.get(3)).as(stored).contains("from relay.example.test", "by mx1.example.test (Postfix) with ESMTPS id");
        assertThat(trace.get(4)).as(stored).startsWith("Received: from client.example.test")
                .contains("by relay.example.test (Steward) with ESMTP id " + id);

        // (b) Both ends name the same TLS session. The relay does not trust the test CA (it uses
        // the JDK's cacerts), so opportunistic TLS is encrypted but unverified.
        Pattern established = Pattern.compile(
                "TLS connection established from \\S+\\[(::1|127\\.0\\.0\\.1)\\]: (TLSv1\\.[23]) with cipher (\\S+)");
        String tlsLine = postfix.awaitMaillogLine(established, WAIT).orElseThrow(() -> new AssertionError(
                "no TLS connection in the maillog\n" + postfix.maillogText()));
        Matcher postfixTls = established.matcher(tlsLine);
        assertThat(postfixTls.find()).isTrue();
        String[] relayTls = delivery.get("tls").split(":");
        assertThat(relayTls).as(delivery.toString()).hasSize(3);
        assertThat(relayTls[0]).isEqualTo(postfixTls.group(2));
        if (relayTls[0].equals("TLSv1.3")) {
            // TLS 1.3 suites have one name in OpenSSL and the JDK alike.
            assertThat(relayTls[1]).isEqualTo(postfixTls.group(3));
        }
        assertThat(relayTls[2]).isEqualTo("unverified");
        assertThat(delivery.get("relay")).matches(relayName("mx1.example.test") + ":" + postfix.smtpdPort());
        assertThat(delivery.get("dsn")).isEqualTo("2.0.0");
        assertThat(delivery.get("reply")).startsWith("250 2.0.0 Ok: queued as ");
    }

    @Test
    void noStartTlsOffered_messageArrivesInPlaintext_tlsNone() {
        Path work = InteropPaths.newWorkDir("mx-plain");
        start(work, receivingMx(false));
        String sent = message(BOB, "in plaintext", "No STARTTLS here.\r\n");
        String id = submit(work, BOB, sent);

        LogFields delivery = awaitDelivery(id, BOB, "sent");
        String stored = read(awaitOneMessage(BOB));

        assertThat(delivery.get("tls")).isEqualTo("none");
        assertThat(stored).endsWith(sent.replace("\r\n", "\n"));
        assertThat(stored).contains("by mx1.example.test (Postfix) with ESMTP id").doesNotContain("ESMTPS");
        assertThat(postfix.maillogLines(Pattern.compile("TLS connection established"))).isEmpty();
        assertThat(postfix.maillogLines(Pattern.compile("STARTTLS|starttls="))).isEmpty();
    }

    @Test
    void recipientRefused550_bounceReachesTheSenderAndParsesAsRfc3464() {
        Path work = InteropPaths.newWorkDir("mx-bounce");
        start(work, receivingMx(true));
        String nobody = "nobody@example.test";
        String id = submit(work, nobody, message(nobody, "to nobody", "Nobody reads this.\r\n"));

        LogFields refused = awaitDelivery(id, nobody, "bounced");
        assertThat(refused.get("dsn")).isEqualTo("5.1.1");
        assertThat(refused.get("reply")).startsWith("550 5.1.1 <nobody@example.test>: Recipient address rejected:")
                .contains("User unknown in virtual mailbox table");
        String notice = relay.awaitLine(l -> l.contains("notice_queued") && l.contains("original=" + id), WAIT)
                .orElseThrow(() -> new AssertionError("no bounce queued for " + id + "\n" + relay.output()));
        String bounceId = LogFields.parse(notice, "notice_queued").get("queue_id");
        awaitDelivery(bounceId, SENDER, "sent");
        Path bounce = awaitOneMessage(SENDER);
        awaitRemoved(id);
        awaitRemoved(bounceId);

        JsonNode dsn = readDsn(work, bounce);
        assertThat(dsn.path("defects").size()).as(dsn.toPrettyString()).isZero();
        assertThat(dsn.path("content_type").asText()).isEqualTo("multipart/report");
        assertThat(dsn.path("report_type").asText()).isEqualTo("delivery-status");
        assertThat(dsn.path("return_path").asText()).as("a bounce has the null sender").isEqualTo("<>");
        assertThat(dsn.path("to").asText()).isEqualTo(SENDER);
        assertThat(dsn.path("from").asText()).contains("MAILER-DAEMON@app.example.test");
        assertThat(dsn.path("auto_submitted").asText()).startsWith("auto-replied");
        List<String> partTypes = new ArrayList<>();
        dsn.path("part_types").forEach(t -> partTypes.add(t.asText()));
        assertThat(partTypes).as(dsn.toPrettyString()).hasSize(3);
        assertThat(partTypes.subList(0, 2)).containsExactly("text/plain", "message/delivery-status");
        assertThat(partTypes.get(2)).isIn("message/rfc822", "text/rfc822-headers");
        assertThat(dsn.path("per_message").path("Reporting-MTA").asText()).isEqualTo("dns; relay.example.test");
        assertThat(dsn.path("per_recipient").size()).as(dsn.toPrettyString()).isEqualTo(1);
        JsonNode recipient = dsn.path("per_recipient").get(0);
        assertThat(recipient.path("Final-Recipient").asText()).isEqualToIgnoringCase("rfc822; nobody@example.test");
        assertThat(recipient.path("Action").asText()).isEqualTo("failed");
        assertThat(recipient.path("Status").asText()).isEqualTo("5.1.1");
        assertThat(recipient.path("Remote-MTA").asText()).isEqualTo("dns; mx1.example.test");
        assertThat(recipient.path("Diagnostic-Code").asText()).startsWith("smtp; 550 5.1.1");
        assertThat(dsn.path("explanation").asText()).contains("nobody@example.test");
        assertThat(dsn.path("returned_subject").asText()).isEqualTo("to nobody");
        assertThat(dsn.path("returned_message_id").asText()).isEqualTo("<to-nobody@app.example.test>");
    }

    @Test
    void receiverTempfails450_deferred_thenPostfixAccepts_andQueueFlushDelivers() {
        Path work = InteropPaths.newWorkDir("mx-tempfail");
        start(work, receivingMx(true, "--recipient-access", LATER + "=450 4.2.0 Mailbox busy, try again later"));
        String sent = message(LATER, "try later", "Deferred once.\r\n");
        String id = submit(work, LATER, sent);

        LogFields deferred = awaitDelivery(id, LATER, "deferred");
        assertThat(deferred.get("dsn")).isEqualTo("4.2.0");
        assertThat(deferred.get("reply")).isEqualTo("450 4.2.0 <later@example.test>: Recipient address rejected: Mailbox busy, try again later");
        assertThat(postfix.messages(LATER)).isEmpty();
        JsonNode queue = mailq(work);
        assertThat(queue.size()).as(queue.toPrettyString()).isEqualTo(1);
        assertThat(queue.get(0).path("queue_id").asText()).isEqualTo(id);
        assertThat(queue.get(0).path("queue_name").asText()).isEqualTo("deferred");
        assertThat(queue.get(0).path("recipients").get(0).path("delay_reason").asText()).contains("450 4.2.0");

        // The receiver changes its mind: the same Postfix (queue, maildirs, port) without the 450.
        // The relay's cached connection to the old smtpd dies with it.
        Path postfixDir = work.resolve("postfix");
        int port = postfix.smtpdPort();
        postfix.close();
        postfix = PostfixInstance.start(postfixDir, port, receivingMx(true));

        CommandRun.Result flush = CommandRun.run(RelayProcess.cliCommand("queue", "flush", "--config",
                relay.adminConfigFile().toString()), work, "queue-flush", Duration.ofSeconds(60));
        assertThat(flush.exitCode()).as(flush.describe()).isZero();
        assertThat(flush.stdout()).contains("flush: ok");

        LogFields delivered = awaitDelivery(id, LATER, "sent");
        assertThat(Integer.parseInt(delivered.get("attempt"))).isEqualTo(2);
        String stored = read(awaitOneMessage(LATER));
        assertThat(stored).endsWith(sent.replace("\r\n", "\n"));
        awaitRemoved(id);
    }

    @Test
    void mxWithOnlyAnAaaaRecord_deliveredOverIpv6() {
        assumeTrue(ipv6, "the loopback has no ::1");
        Path work = InteropPaths.newWorkDir("mx-ipv6");
        start(work, receivingMx(true));
        String sent = message(CAROL_V6, "over IPv6", "Carried over ::1.\r\n");
        String id = submit(work, CAROL_V6, sent);

        LogFields delivery = awaitDelivery(id, CAROL_V6, "sent");
        String stored = read(awaitOneMessage(CAROL_V6));

        assertThat(delivery.get("relay")).matches(relayName("mx6.example.test") + ":" + postfix.smtpdPort());
        assertThat(delivery.get("tls")).startsWith("TLSv1.");
        assertThat(stored).endsWith(sent.replace("\r\n", "\n")).contains("(unknown [IPv6:::1])");
        assertThat(postfix.maillogLines(Pattern.compile("connect from \\S+\\[::1\\]"))).isNotEmpty();
    }

    /** {@code read_dsn.py} (Python's email package) on a delivered message. */
    private static JsonNode readDsn(Path work, Path message) {
        Path script = work.resolve("read_dsn.py");
        try (InputStream in = PostfixMxInteropIT.class.getResourceAsStream("read_dsn.py")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandRun.Result result = CommandRun.run(List.of(InteropPaths.PYTHON3.toString(), script.toString(),
                message.toString()), work, "read-dsn", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        try {
            return JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw new AssertionError("read_dsn.py did not print JSON\n" + result.describe(), e);
        }
    }

    /** {@code steward mailq --json}, as an operator would run it. */
    private JsonNode mailq(Path work) {
        CommandRun.Result result = CommandRun.run(RelayProcess.cliCommand("mailq", "--config",
                relay.adminConfigFile().toString(), "--json"), work, "mailq", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        try {
            return JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw new AssertionError("mailq --json did not print JSON\n" + result.describe(), e);
        }
    }

    /** Whether ::1 is usable here: a socket can be bound to it. */
    private static boolean hasIpv6Loopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return socket.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
