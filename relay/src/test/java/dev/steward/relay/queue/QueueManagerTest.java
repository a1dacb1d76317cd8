package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import dev.steward.relay.delivery.AttemptResult;
import dev.steward.relay.delivery.DeliveryAgent;
import dev.steward.relay.delivery.DeliveryReport;
import dev.steward.relay.delivery.DeliveryRequest;
import dev.steward.relay.delivery.RemoteHost;
import dev.steward.relay.delivery.TlsSummary;
import dev.steward.relay.policy.ExpiryPolicy;
import dev.steward.relay.policy.FailureClassifier;
import dev.steward.relay.policy.FailureFact;
import dev.steward.relay.policy.RetryConfig;
import dev.steward.relay.policy.RetryPolicy;
import dev.steward.relay.policy.SmtpStage;
import dev.steward.relay.testing.ManualClock;
import dev.steward.smtp.wire.SmtpReply;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QueueManager + QueueStore in a temporary folder, a scripted agent and a manual clock (STYLE.md B4). */
@Timeout(30)
class QueueManagerTest {

    private static final RemoteHost MX = new RemoteHost("mx.example.org", "192.0.2.25", 25);
    private static final FailureClassifier CLASSIFIER = new FailureClassifier();

    @TempDir
    Path queue;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T05:00:00Z"));
    private final ScriptedAgent agent = new ScriptedAgent();
    private final List<QueueManager.Notice> notices = new ArrayList<>();
    private QueueStore store;
    private QueueManager manager;

    @BeforeEach
    void open() throws Exception {
        store = QueueStore.open(queue);
        manager = newManager(store);
        manager.load();
    }

    @AfterEach
    void close() throws Exception {
        manager.close();
        store.close();
    }

    private QueueManager newManager(QueueStore on) {
        RetryConfig retry = RetryConfig.defaults();
        return new QueueManager(on, agent, CLASSIFIER, new RetryPolicy(retry, clock), new ExpiryPolicy(retry, clock),
                clock, new QueueManager.Limits(10, 5), QueueManager::domainOf, notices::add, new QueueManager.Events() { });
    }

    /** The agent answers per recipient from a script: a function of (recipient, attempt). */
    private static final class ScriptedAgent implements DeliveryAgent {
        volatile Function<String, AttemptResult> script = recipient -> delivered();
        final ConcurrentLinkedQueue<DeliveryRequest> requests = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> contents = new ConcurrentLinkedQueue<>();

        @Override
        public DeliveryReport deliver(DeliveryRequest request) {
            requests.add(request);
            try (InputStream in = request.content().open()) {
                contents.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Map<String, AttemptResult> results = new LinkedHashMap<>();
            for (String recipient : request.recipients()) {
                results.put(recipient, script.apply(recipient));
            }
            return new DeliveryReport(results, TlsSummary.NONE, false, Duration.ofMillis(3), Duration.ofMillis(2));
        }
    }

    static AttemptResult delivered() {
        return new AttemptResult.Delivered(new Dsn(EnhancedStatus.SUCCESS, Dsn.Action.DELIVERED, "250 2.0.0 Ok",
                Dsn.Diagnostic.smtp("250 2.0.0 Ok"), MX.name()), MX);
    }

    static AttemptResult reply(String line) {
        int code = Integer.parseInt(line.substring(0, 3));
        String[] parts = line.substring(4).split(" ", 2);
        return CLASSIFIER.classify(new FailureFact.RemoteReply(SmtpStage.RCPT, SmtpReply.of(code, parts[0], parts[1]), MX))
                .toResult(MX);
    }

    static AttemptResult connectRefused() {
        return CLASSIFIER.classify(new FailureFact.ConnectFailed(MX, "Connection refused")).toResult(MX);
    }

    private QueueId submit(String sender, String... recipients) throws Exception {
        NewMessage message = new NewMessage(sender, List.of(recipients), clock.instant(), "localhost[127.0.0.1]",
                "localhost", false, "7BIT", null);
        return store.commit(message, TestMessages.content("Subject: test\r\n\r\nbody\r\n"));
    }

    private void runOnce() throws Exception {
        manager.runDue();
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void attempt_allDelivered_removedWithoutNotice() throws Exception {
        QueueId id = submit("app@app.example.test", "bob@example.org");
        runOnce();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
        assertThat(agent.requests).singleElement().satisfies(request -> {
            assertThat(request.recipients()).containsExactly("bob@example.org");
            assertThat(request.destination()).isEqualTo("example.org");
            assertThat(request.attempt()).isEqualTo(1);
        });
        assertThat(agent.contents).containsExactly("Subject: test\r\n\r\nbody\r\n");
        assertThat(notices).isEmpty();
        assertThat(manager.size()).isZero();
    }

    @Test
    void attempt_twoDomains_oneRequestPerDestination() throws Exception {
        submit("app@app.example.test", "a@one.example", "b@two.example", "c@ONE.example");
        runOnce();
        assertThat(agent.requests).extracting(DeliveryRequest::destination).containsExactlyInAnyOrder("one.example", "two.example");
        assertThat(agent.requests).filteredOn(r -> r.destination().equals("one.example")).singleElement()
                .extracting(DeliveryRequest::recipients).isEqualTo(List.of("a@one.example", "c@ONE.example"));
    }

    @Test
    void attempt_onePermanentFailure_bounceForThatRecipientOnly() throws Exception {
        agent.script = recipient -> recipient.startsWith("nobody") ? reply("550 5.1.1 no such user") : delivered();
        QueueId id = submit("app@app.example.test", "bob@example.org", "nobody@example.org");
        runOnce();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
        assertThat(notices).singleElement().satisfies(notice -> {
            assertThat(notice.kind()).isEqualTo(QueueManager.NoticeKind.BOUNCE);
            assertThat(notice.recipients()).containsOnlyKeys("nobody@example.org");
            assertThat(notice.recipients().get("nobody@example.org").status()).isEqualTo(EnhancedStatus.parse("5.1.1"));
            assertThat(notice.original().sender()).isEqualTo("app@app.example.test");
        });
    }

    @Test
    void attempt_nullSenderFails_neverABounceToABounce() throws Exception {
        agent.script = recipient -> reply("550 5.1.1 no such user");
        QueueId id = submit("", "app@app.example.test");
        runOnce();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
        assertThat(notices).isEmpty();
    }

    @Test
    void attempt_temporaryFailure_deferredDurablyThenRetriedAfterBackoffOnlyForPendingRecipients() throws Exception {
        agent.script = recipient -> recipient.startsWith("later") ? reply("450 4.2.0 mailbox busy") : delivered();
        QueueId id = submit("app@app.example.test", "bob@example.org", "later@example.org");
        runOnce();

        assertThat(store.stateOf(id)).contains("deferred");
        EnvelopeFile deferred = store.envelope(id).orElseThrow();
        assertThat(deferred.attempts()).isEqualTo(1);
        assertThat(deferred.nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(deferred.recipients()).extracting(RecipientState::status).containsExactly("sent", "pending");
        assertThat(deferred.lastFailure()).contains("450 4.2.0 mailbox busy");

        clock.advance(Duration.ofMinutes(4));
        assertThat(manager.runDue()).isZero();
        clock.advance(Duration.ofMinutes(1));
        agent.script = recipient -> delivered();
        runOnce();
        assertThat(agent.requests).hasSize(2);
        assertThat(agent.requests).last().satisfies(request -> {
            assertThat(request.recipients()).containsExactly("later@example.org");
            assertThat(request.attempt()).isEqualTo(2);
        });
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
    }

    @Test
    void restart_deferredMessage_dueAtItsStoredNextAttempt() throws Exception {
        agent.script = recipient -> reply("451 4.3.0 try later");
        QueueId id = submit("app@app.example.test", "bob@example.org");
        runOnce();
        manager.close();
        store.close();

        store = QueueStore.open(queue);
        manager = newManager(store);
        manager.load();
        assertThat(manager.runDue()).isZero();
        clock.advance(Duration.ofMinutes(5));
        agent.script = recipient -> delivered();
        runOnce();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
    }

    @Test
    void expiry_temporaryFailuresForFiveDays_delayWarningOnceThenExpiredBounce() throws Exception {
        agent.script = recipient -> reply("451 4.3.0 try later");
        QueueId id = submit("app@app.example.test", "bob@example.org");
        Instant arrival = clock.instant();
        int attempts = 0;
        while (store.place(id) != QueueStore.Place.GONE && attempts < 500) {
            Optional<EnvelopeFile> envelope = store.envelope(id);
            if (envelope.isPresent() && envelope.get().nextAttempt() != null) {
                clock.set(envelope.get().nextAttempt());
            }
            runOnce();
            attempts++;
        }
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
        assertThat(notices).extracting(QueueManager.Notice::kind)
                .containsExactly(QueueManager.NoticeKind.DELAY, QueueManager.NoticeKind.BOUNCE);
        assertThat(clock.instant()).isAfterOrEqualTo(arrival.plus(Duration.ofDays(5)));
        QueueManager.Notice bounce = notices.get(1);
        assertThat(bounce.recipients().get("bob@example.org").action()).isEqualTo(Dsn.Action.FAILED);
        assertThat(bounce.recipients().get("bob@example.org").status().isTransient()).isTrue();
    }

    @Test
    void destination_connectionRefused_backedOffWithoutContactingItForTheNextMessage() throws Exception {
        agent.script = recipient -> connectRefused();
        QueueId first = submit("app@app.example.test", "bob@down.example");
        runOnce();
        QueueId second = submit("app@app.example.test", "carol@down.example");
        runOnce();
        assertThat(agent.requests).hasSize(1);
        assertThat(store.stateOf(first)).contains("deferred");
        assertThat(store.stateOf(second)).contains("deferred");
        assertThat(store.envelope(second).orElseThrow().lastFailure()).contains("Connection refused");

        manager.flush(Optional.empty());
        agent.script = recipient -> delivered();
        runOnce();
        assertThat(store.place(first)).isEqualTo(QueueStore.Place.GONE);
        assertThat(store.place(second)).isEqualTo(QueueStore.Place.GONE);
    }

    @Test
    void agentThrows_unknownMeansTemporary_messageStaysQueued() throws Exception {
        agent.script = recipient -> {
            throw new IllegalStateException("a bug in the agent");
        };
        QueueId id = submit("app@app.example.test", "bob@example.org");
        runOnce();
        assertThat(store.stateOf(id)).contains("deferred");
        assertThat(notices).isEmpty();
    }

    /** The attempt blocks until the test lets it go: operator actions arrive while it runs. */
    private java.util.concurrent.CountDownLatch blockNextAttempt(AttemptResult result) {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        agent.script = recipient -> {
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return result;
        };
        blocked = started;
        return go;
    }

    private java.util.concurrent.CountDownLatch blocked; // counted down when the blocked attempt started

    @Test
    void flush_whileTheAttemptRuns_dueAgainRightAfterIt() throws Exception {
        java.util.concurrent.CountDownLatch go = blockNextAttempt(reply("451 4.3.0 try later"));
        QueueId id = submit("app@app.example.test", "bob@example.org");
        assertThat(manager.runDue()).isEqualTo(1);
        blocked.await();
        assertThat(manager.flush(Optional.empty())).isTrue();
        go.countDown();
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();

        assertThat(store.stateOf(id)).contains("deferred");
        agent.script = recipient -> delivered();
        assertThat(manager.runDue()).as("the flush was not lost to the attempt's own rescheduling").isEqualTo(1);
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
    }

    @Test
    void deleteAndHold_whileTheAttemptRuns_appliedWhenItEnds() throws Exception {
        java.util.concurrent.CountDownLatch go = blockNextAttempt(reply("451 4.3.0 try later"));
        QueueId deleted = submit("app@app.example.test", "bob@example.org");
        assertThat(manager.runDue()).isEqualTo(1);
        blocked.await();
        assertThat(manager.delete(deleted)).isTrue();
        go.countDown();
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(store.place(deleted)).isEqualTo(QueueStore.Place.GONE);

        go = blockNextAttempt(reply("451 4.3.0 try later"));
        QueueId held = submit("app@app.example.test", "carol@example.org");
        assertThat(manager.runDue()).isEqualTo(1);
        blocked.await();
        assertThat(manager.hold(held)).isTrue();
        go.countDown();
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(store.stateOf(held)).contains("hold");
        manager.flush(Optional.empty());
        assertThat(manager.runDue()).isZero();
    }

    @Test
    void holdReleaseDelete_operatorActions() throws Exception {
        agent.script = recipient -> reply("451 4.3.0 try later");
        QueueId id = submit("app@app.example.test", "bob@example.org");
        runOnce();
        assertThat(manager.hold(id)).isTrue();
        assertThat(store.stateOf(id)).contains("hold");
        manager.flush(Optional.empty());
        clock.advance(Duration.ofHours(2));
        assertThat(manager.runDue()).isZero();

        assertThat(manager.release(id)).isTrue();
        assertThat(manager.runDue()).isEqualTo(1);
        assertThat(manager.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(manager.delete(id)).isTrue();
        assertThat(store.place(id)).isEqualTo(QueueStore.Place.GONE);
        assertThat(manager.delete(id)).isFalse();
    }
}
