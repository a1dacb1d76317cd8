package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Postfix as a client of our intake: a private instance with {@code relayhost =
 * [127.0.0.1]:<relay port>} takes a message on its own smtpd and relays it to Steward, with a real
 * MTA's EHLO, SIZE, 8BITMIME and pipelining behaviour.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostfixClientInteropIT {
    private static final String SENDER = "app@app.example.test";
    private static final Duration RELAY_WAIT = Duration.ofSeconds(60);

    @Test
    void postfixRelaysIntoOurIntakeAndLogsStatusSent() {
        Path work = InteropPaths.newWorkDir("postfix-client");
        String body = "Relayed by Postfix.\r\n.A line that starts with a dot.\r\nEnd.\r\n";
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults());
                PostfixInstance postfix = PostfixInstance.startRelayingTo(work.resolve("postfix"),
                        "[127.0.0.1]:" + relay.port())) {
            SwaksRun.Outcome submitted = SwaksRun.send(work, "swaks-to-postfix", postfix.smtpdPort(), SENDER,
                    List.of("bob@example.test"), SwaksInteropIT.message(SENDER, "relayed by postfix", body));
            assertThat(submitted.result().exitCode()).as(submitted.transcript()).isZero();
            String postfixId = submitted.queueId()
                    .orElseThrow(() -> new AssertionError("Postfix gave no queue id\n" + submitted.transcript()));

            // Postfix's smtp client logs one line per delivery attempt: wait for ours, bounded.
            Pattern attempt = Pattern.compile(Pattern.quote(postfixId) + ": to=<bob@example.test>, relay=.*status=");
            String line = postfix.awaitMaillogLine(attempt, RELAY_WAIT).orElseThrow(() -> new AssertionError(
                    "Postfix did not try to relay within " + RELAY_WAIT + "\n" + postfix.maillogText() + "\n"
                            + relay.output()));
            assertThat(line).as(postfix.maillogText() + "\n" + relay.output())
                    .contains("relay=127.0.0.1[127.0.0.1]:" + relay.port())
                    .contains("status=sent");
            Matcher ours = Pattern.compile("queued as ([A-Za-z0-9._-]+)\\)").matcher(line);
            assertThat(ours.find()).as("our 250 reply text in Postfix's log: " + line).isTrue();
            String id = ours.group(1);

            // Postfix logged status=sent only after our 250, which follows the fsync: the file is there.
            QueuedMessage queued = QueuedMessage.find(relay.queueDir(), id).orElseThrow(() -> new AssertionError(
                    "no incoming/" + id + ".msg; queue has " + QueuedMessage.ids(relay.queueDir()) + "\n"
                            + relay.output()));
            assertThat(queued.bodyText()).as(queued.describe()).isEqualTo(body);
            List<String> received = queued.fields("Received");
            assertThat(received).as(queued.describe()).anyMatch(f -> f.contains("by relay.example.test"));
            assertThat(received).as(queued.describe()).anyMatch(f -> f.contains("by postfix-peer.interop.test"));
            assertThat(relay.awaitLine(l -> l.contains("queued") && l.contains(id), Duration.ofSeconds(5)))
                    .as("the relay's queued log line for " + id + "\n" + relay.output()).isPresent();
        }
    }
}
