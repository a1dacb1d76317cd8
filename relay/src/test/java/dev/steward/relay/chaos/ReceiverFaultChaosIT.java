package dev.steward.relay.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.testkit.FakeDnsServer;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receiver faults against the relay process, each checked against the behaviour the README's
 * Delivery section documents: a connection reset in the middle of DATA, 421 at the greeting and a
 * receiver that accepts and never answers (at the greeting, and after the final dot) are
 * temporary failures — deferred, retried after {@code min_backoff}, delivered once the receiver
 * is healthy, exactly once; a STARTTLS handshake that fails is retried at once on the same MX
 * without STARTTLS ({@code tls=fallback}) within the same attempt.
 *
 * <p>The MX of the test domains is a {@link ReceiverSwitch} in front of a faulty
 * {@link RecordingSmtpServer}, switched to a healthy one once the relay has logged the deferral.
 * Timers are shortened in the test config: greeting, command, STARTTLS and final-dot timeouts
 * 2 s, {@code min_backoff} 1 s, no connection caching ({@code idle_timeout = 0s}).
 */
class ReceiverFaultChaosIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Pattern FIELD = Pattern.compile("(failure|dsn|attempt|tls|status)=(\\S+)|reason=\"[^\"]*\"");

    @TempDir
    Path temp;

    private record Fault(String name, RecordingSmtpServer.Builder receiver, boolean resetMidData, boolean deferred,
                         String documented) {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void receiverFaults_endInTheDocumentedRetryBehaviour() throws Exception {
        List<Fault> faults = List.of(
                new Fault("connection reset mid-DATA", RecordingSmtpServer.builder(), true, true,
                        "deferred (temporary); retried after min_backoff; delivered once"),
                new Fault("421 at greeting", RecordingSmtpServer.builder()
                        .greeting(SmtpReply.of(421, "4.3.2", "mx.test Service not available")), false, true,
                        "deferred (4xx is temporary; the destination is backed off); retried; delivered once"),
                new Fault("TLS handshake failure", RecordingSmtpServer.builder()
                        .brokenStartTls(RecordingSmtpServer.BrokenTls.GARBAGE), false, false,
                        "the same MX again at once without STARTTLS (tls=fallback); delivered in the same attempt"),
                new Fault("stall at greeting", RecordingSmtpServer.builder().stall(Stage.GREETING), false, true,
                        "greeting_timeout; deferred; retried; delivered once"),
                new Fault("stall after the final dot", RecordingSmtpServer.builder().stall(Stage.DOT), false, true,
                        "data_done_timeout; deferred; retried; delivered once"));
        List<String> rows = new ArrayList<>();
        try (FakeDnsServer dns = new FakeDnsServer(ChaosSetup.zone()).start();
             RecordingSmtpServer healthy = RecordingSmtpServer.builder().start();
             ReceiverSwitch mx = new ReceiverSwitch(healthy.address())) {
            Path config = ChaosSetup.writeConfig(temp, temp.resolve("queue"), dns.server(), mx.port(), "",
                    "greeting_timeout = \"2s\"\ncommand_timeout = \"2s\"\nstarttls_timeout = \"2s\"\n"
                            + "data_done_timeout = \"2s\"\nidle_timeout = \"0s\"");
            try (ChaosRelay relay = ChaosRelay.start(config, ChaosResults.logFile("receiver-faults", "relay.log"))) {
                for (int index = 0; index < faults.size(); index++) {
                    Fault fault = faults.get(index);
                    try (RecordingSmtpServer faulty = fault.receiver().start()) {
                        mx.target(faulty.address());
                        mx.resetMidData(fault.resetMidData());
                        String id = "fault" + index;
                        long start = System.nanoTime();
                        String queueId = submit(relay, id);
                        String first = relay.awaitLine(delivery(queueId, null), WAIT);
                        mx.target(healthy.address());
                        mx.resetMidData(false);
                        String sent = relay.awaitLine(delivery(queueId, "status=sent"), WAIT);
                        double seconds = (System.nanoTime() - start) / 1e9;
                        int copies = copies(healthy, id) + copies(faulty, id);
                        String observed = fields(first) + (first.equals(sent) ? "" : " then " + fields(sent));
                        System.out.printf("chaos fault: %s: %s, %.1f s, %d cop%s%n", fault.name(), observed, seconds, copies,
                                copies == 1 ? "y" : "ies");
                        rows.add(String.join(",", fault.name(), observed.replace(',', ';'),
                                String.format(Locale.ROOT, "%.1f", seconds), Integer.toString(copies), fault.documented()));
                        if (fault.deferred()) {
                            assertThat(first).as(fault.name()).contains("status=deferred").contains("dsn=4.");
                            assertThat(sent).as(fault.name()).doesNotContain("attempt=1 ");
                        } else {
                            assertThat(first).as(fault.name()).contains("status=sent", "attempt=1 ", "tls=fallback");
                            assertThat(faulty.messages()).as("delivered in plaintext to the same MX").hasSize(1)
                                    .allSatisfy(message -> assertThat(message.tlsProtocol()).isNull());
                        }
                        assertThat(copies).as(fault.name() + ": delivered exactly once").isEqualTo(1);
                        if (fault.resetMidData()) {
                            assertThat(mx.resets()).isPositive();
                        }
                    }
                }
            }
        }
        new ChaosResults("receiver-faults").put("faults", faults.size()).writeTable("faults",
                "fault,observed,seconds_to_delivery,copies_delivered,documented", rows);
    }

    private static String submit(ChaosRelay relay, String id) throws Exception {
        try (SmtpTestClient client = ChaosSetup.connect(relay.address())) {
            String reply = client.sendMessage(ChaosSetup.FROM, ChaosSetup.message(id, 20, "bob@example.test"), "bob@example.test");
            assertThat(reply).startsWith("250 ");
            client.command("QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    private static Predicate<String> delivery(String queueId, String status) {
        return line -> line.contains(" delivery queue_id=" + queueId + " ")
                && (status == null || line.contains(status));
    }

    private static int copies(RecordingSmtpServer server, String id) {
        int copies = 0;
        for (ReceivedMessage message : server.messages()) {
            if (id.equals(ChaosSetup.idOf(message.contentAsString()))) {
                copies++;
            }
        }
        return copies;
    }

    /** The outcome fields of a delivery log line: status, attempt, tls, dsn, failure. */
    private static String fields(String line) {
        Matcher matcher = FIELD.matcher(line);
        List<String> found = new ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return String.join(" ", found);
    }
}
