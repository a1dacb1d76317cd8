package dev.steward.relay.queue;

import dev.steward.common.text.LogLine;
import dev.steward.mail.model.Dsn;
import dev.steward.relay.delivery.AttemptResult;
import dev.steward.relay.delivery.Delays;
import dev.steward.relay.delivery.DeliveryAgent;
import dev.steward.relay.delivery.DeliveryLog;
import dev.steward.relay.delivery.DeliveryReport;
import dev.steward.relay.delivery.DeliveryRequest;
import dev.steward.relay.delivery.DeliveryStatus;
import dev.steward.relay.delivery.LoggedAttempt;
import dev.steward.relay.delivery.TlsSummary;
import dev.steward.relay.policy.ExpiryPolicy;
import dev.steward.relay.policy.FailureClassifier;
import dev.steward.relay.policy.FailureFact;
import dev.steward.relay.policy.RetryPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue manager (Postfix {@code qmgr}): decides which queued message is tried when, runs the
 * delivery attempts, and acts on their outcomes. It is the only class that acts on policy
 * decisions (STYLE.md B3): the {@link DeliveryAgent} reports facts as classified
 * {@link AttemptResult}s, {@link RetryPolicy} and {@link ExpiryPolicy} decide when to try again
 * and when to give up, and this class updates the queue, sends notices and logs one line per
 * recipient per attempt through {@link DeliveryLog}.
 *
 * <p><b>State machine of a message.</b> Committed (the store tells us through its commit
 * listener) → due now → <i>in flight</i> (one attempt: its pending recipients grouped by
 * destination, one {@link DeliveryRequest} per destination, run concurrently) → then:
 * <ul>
 *   <li>no recipient pending: a bounce for the failed ones if any (never for a null sender),
 *       then removed from the queue;
 *   <li>expired ({@code max_lifetime}): every pending recipient logged {@code status=expired},
 *       a bounce, removed;
 *   <li>otherwise: per-recipient states, attempt count and next attempt time written durably
 *       ({@code deferred}), a delay notice when it is due (once), due again at the next attempt
 *       ({@link RetryPolicy}: doubling from {@code min_backoff} to {@code max_backoff}).
 * </ul>
 * Recipients that got a final result keep it: a later attempt never sends to them again, and the
 * new state is durable before the next attempt starts (at-least-once: a crash during an attempt
 * repeats only that attempt).
 *
 * <p><b>Limits.</b> At most {@code max_concurrency} attempts run at once (a message waits for a
 * slot), and at most {@code max_per_destination} deliveries to one destination. A destination
 * whose failure concerns the destination as a whole (DNS, connect, greeting, TLS, 421) is backed
 * off: until its retry time every message for it is deferred without contacting it, with the
 * destination's last failure as the reason (Postfix's destination status cache).
 *
 * <p><b>Operator actions</b> ({@code bin/steward queue ...}): {@link #flush} makes messages due
 * now and clears destination backoff; {@link #hold}, {@link #release} and {@link #delete} act at
 * once on a waiting message and right after the attempt on one in flight.
 *
 * <p><b>Threads.</b> One scheduler thread ({@link #start}); one virtual thread per attempt and
 * one per destination group within it. Tests drive the manager without the scheduler:
 * {@link #runDue()} starts what is due by the injected clock, {@link #awaitIdle} waits for the
 * attempts to finish.
 *
 * <p>Thread safety: thread-safe.
 */
public final class QueueManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueManager.class);
    private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

    /** Concurrency limits ({@code [delivery] max_concurrency}, {@code max_per_destination}). */
    public record Limits(int maxConcurrency, int maxPerDestination) {
        public Limits {
            if (maxConcurrency < 1 || maxPerDestination < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
        }
    }

    /** What the queue manager asks to be sent to a message's sender. */
    public enum NoticeKind {
        /** A non-delivery report: these recipients failed for good (RFC 3464 {@code failed}). */
        BOUNCE,
        /** A delay warning: these recipients are still being retried (RFC 3464 {@code delayed}). */
        DELAY
    }

    /**
     * One notice to the sender of {@code original}: which recipients, with which status. The
     * queue manager never asks for a notice about a message with the null sender.
     */
    public record Notice(NoticeKind kind, QueueEntry original, Map<String, Dsn> recipients, Instant retryUntil,
            dev.steward.relay.delivery.MessageSource content) {
    }

    /** Builds and queues notices (the bounce program); wired in by the application. */
    @FunctionalInterface
    public interface Notifier {

        void send(Notice notice) throws IOException;
    }

    /** Progress events, for tests and metrics. Called on the attempt's thread; must not block. */
    public interface Events {

        default void attemptFinished(QueueId id, Map<String, AttemptResult> results) {
        }

        default void removed(QueueId id) {
        }

        /** One recipient of one attempt, as its delivery log line says. */
        default void recipientAttempted(DeliveryStatus status, TlsSummary tls, Duration delay) {
        }
    }

    /** What to do with a message in flight once its attempt ends. */
    private enum AfterAttempt {
        NOTHING,
        HOLD,
        DELETE
    }

    /** One message the manager knows of (not on hold). Fields guarded by {@code lock}. */
    private static final class Tracked {
        final QueueId id;
        EnvelopeFile envelope; // the current, durable state
        Instant dueAt; // when to try next
        boolean inFlight; // an attempt is running
        AfterAttempt afterAttempt = AfterAttempt.NOTHING; // an operator action waiting for the attempt
        boolean flushAfterAttempt; // a flush came while the attempt ran: due again at once

        Tracked(QueueId id, EnvelopeFile envelope, Instant dueAt) {
            this.id = id;
            this.envelope = envelope;
            this.dueAt = dueAt;
        }
    }

    /** One entry of the due queue. */
    private record Due(Instant at, QueueId id, Tracked message) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** Sets when a message is due next and queues it. Lock held. */
    private void schedule(Tracked message, Instant at) {
        message.dueAt = at;
        dueQueue.add(new Due(at, message.id, message));
    }

    /** Per-destination state (Postfix's destination status). Fields guarded by {@code lock}. */
    private static final class Destination {
        final Semaphore slots; // max_per_destination
        int consecutiveFailures; // destination-wide failures in a row
        Instant backedOffUntil; // null: not backed off
        AttemptResult lastFailure; // the failure that backed it off

        Destination(int slots) {
            this.slots = new Semaphore(slots);
        }
    }

    private final QueueStore store;
    private final DeliveryAgent agent;
    private final FailureClassifier classifier;
    private final RetryPolicy retry;
    private final ExpiryPolicy expiry;
    private final Clock clock;
    private final Limits limits;
    private final Function<String, String> router; // recipient address → destination key
    private final Notifier notifier;
    private final Events events;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition(); // a finished attempt, stop (awaitIdle)
    /**
     * Wakes the scheduler: work it must start now that it would otherwise find only at its next
     * wake-up (at most {@link #MAX_SLEEP} away). Not signalled for what it can leave: a message
     * whose attempt started at once, an attempt that ends with nothing waiting for its slot.
     */
    private final Condition schedulerWake = lock.newCondition();
    private final Map<QueueId, Tracked> tracked = new HashMap<>(); // guarded by lock
    private final Map<String, Destination> destinations = new HashMap<>(); // guarded by lock
    /** Due times, earliest first; an entry is stale when its message moved on (lazy deletion). Guarded by lock. */
    private final java.util.PriorityQueue<Due> dueQueue = new java.util.PriorityQueue<>();
    private int running; // guarded by lock: attempts in flight
    private boolean stopping; // guarded by lock
    /**
     * Delivery attempts run on platform threads, kept 30 s when idle: an attempt is a blocking SMTP
     * dialogue, and a platform thread blocked on a socket read is woken by the kernel directly,
     * where a virtual thread goes through the JDK's poller and a carrier hand-off on every read
     * (see the intake's {@code SmtpIntakeServer}). {@link Limits#maxConcurrency()} bounds how many run.
     */
    private final ExecutorService attempts = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE,
            30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
            Thread.ofPlatform().daemon().name("delivery-", 0).factory());
    private Thread scheduler; // set by start()

    public QueueManager(QueueStore store, DeliveryAgent agent, FailureClassifier classifier, RetryPolicy retry,
            ExpiryPolicy expiry, Clock clock, Limits limits, Function<String, String> router, Notifier notifier,
            Events events) {
        this.store = Objects.requireNonNull(store, "store");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.router = Objects.requireNonNull(router, "router");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** The destination of a recipient for direct MX delivery: its domain, lower case. */
    public static String domainOf(String recipient) {
        int at = recipient.lastIndexOf('@');
        return recipient.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Loads every queued message (not on hold) from the store and subscribes to new commits. Call
     * once, before {@link #start} or {@link #runDue}.
     */
    public void load() throws IOException {
        store.onCommit(this::committed);
        for (QueueEntry entry : store.listLive()) {
            if (entry.state().equals(QueueLayout.HOLD) || entry.state().equals(QueueLayout.CORRUPT)) {
                continue;
            }
            Optional<EnvelopeFile> envelope = store.envelope(entry.id());
            if (envelope.isEmpty()) {
                continue;
            }
            Instant due = envelope.get().nextAttempt() != null ? envelope.get().nextAttempt() : clock.instant();
            lock.lock();
            try {
                if (!tracked.containsKey(entry.id())) {
                    Tracked message = new Tracked(entry.id(), envelope.get(), due);
                    tracked.put(entry.id(), message);
                    schedule(message, due);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Starts the scheduler thread. */
    public void start() {
        lock.lock();
        try {
            if (scheduler != null) {
                throw new IllegalStateException("queue manager already started");
            }
            scheduler = Thread.ofPlatform().daemon().name("queue-manager").start(this::schedulerLoop);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A message the store just committed: due now. With the scheduler running and a free
     * {@code max_concurrency} slot its attempt starts here, on the committing thread, instead of
     * waking the scheduler to start it (one thread hand-off less per message).
     */
    private void committed(EnvelopeFile envelope) {
        Tracked message;
        lock.lock();
        try {
            if (stopping) {
                return; // loaded again at the next start
            }
            message = new Tracked(envelope.id(), envelope, clock.instant());
            tracked.put(envelope.id(), message);
            if (scheduler == null || running >= limits.maxConcurrency()) {
                schedule(message, message.dueAt);
                schedulerWake.signal();
                return;
            }
            claim(message); // in flight: no due entry until its attempt ends
        } finally {
            lock.unlock();
        }
        launch(message);
    }

    /** The message takes one of the {@code max_concurrency} slots; its attempt must follow. Lock held. */
    private void claim(Tracked message) {
        message.inFlight = true;
        running++;
    }

    /**
     * Starts the attempt of a claimed message on an attempt thread. When it ends, the thread goes
     * on with the next message that is due, if any waits for a slot, rather than waking the
     * scheduler to hand it to another thread.
     */
    private void launch(Tracked message) {
        try {
            attempts.execute(() -> {
                for (Tracked next = message; next != null; next = claimNextDue()) {
                    attempt(next);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            lock.lock();
            try {
                message.inFlight = false; // the manager stopped meanwhile: loaded again at the next start
                running--;
                changed.signalAll();
                schedulerWake.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Starts an attempt for every message that is due by the clock, as far as
     * {@code max_concurrency} allows; returns how many were started.
     */
    public int runDue() {
        List<Tracked> ready = new ArrayList<>();
        lock.lock();
        try {
            for (Tracked message; (message = claimDue()) != null; ) {
                ready.add(message);
            }
        } finally {
            lock.unlock();
        }
        ready.forEach(this::launch);
        return ready.size();
    }

    /** With the scheduler running: claims the earliest message that is due now, if a slot is free; else null. */
    private Tracked claimNextDue() {
        lock.lock();
        try {
            return scheduler == null || stopping ? null : claimDue();
        } finally {
            lock.unlock();
        }
    }

    /** Claims the earliest message that is due now, if a slot is free; else null. Lock held. */
    private Tracked claimDue() {
        if (running >= limits.maxConcurrency() || !untilNextDue().isZero()) {
            return null;
        }
        Tracked message = dueQueue.poll().message(); // untilNextDue left a live entry at the head
        claim(message);
        return message;
    }

    /** Waits until no attempt runs; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (running > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Makes every message (or one) due now and forgets destination backoff; false if unknown. */
    public boolean flush(Optional<QueueId> id) {
        lock.lock();
        try {
            Instant now = clock.instant();
            destinations.values().forEach(destination -> {
                destination.backedOffUntil = null;
                destination.consecutiveFailures = 0;
            });
            boolean found = id.isEmpty();
            for (Tracked message : tracked.values()) {
                if (id.isEmpty() || id.get().equals(message.id)) {
                    if (message.inFlight) {
                        message.flushAfterAttempt = true; // the attempt would reschedule it later
                    } else {
                        schedule(message, now);
                    }
                    found = true;
                }
            }
            schedulerWake.signal();
            return found;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a message on hold (never tried until released); false if it is not queued. */
    public boolean hold(QueueId id) throws IOException {
        return operatorAction(id, AfterAttempt.HOLD);
    }

    /** Deletes a message without notice; false if it is not queued. */
    public boolean delete(QueueId id) throws IOException {
        return operatorAction(id, AfterAttempt.DELETE);
    }

    private boolean operatorAction(QueueId id, AfterAttempt action) throws IOException {
        lock.lock();
        try {
            Tracked message = tracked.get(id);
            if (message != null && message.inFlight) {
                message.afterAttempt = action;
                return true;
            }
            tracked.remove(id);
        } finally {
            lock.unlock();
        }
        if (action == AfterAttempt.DELETE) {
            boolean removed = store.remove(id);
            if (removed) {
                LOG.info(LogLine.of("removed").field("queue_id", id.value()).field("reason", "deleted by operator").toString());
                events.removed(id);
            }
            return removed;
        }
        Optional<EnvelopeFile> envelope = store.envelope(id);
        return envelope.isPresent() && store.update(envelope.get(), QueueLayout.HOLD);
    }

    /** Releases a held message: due now; false if it is not on hold. */
    public boolean release(QueueId id) throws IOException {
        Optional<EnvelopeFile> envelope = store.envelope(id);
        if (envelope.isEmpty() || !store.stateOf(id).map(QueueLayout.HOLD::equals).orElse(false)) {
            return false;
        }
        EnvelopeFile released = envelope.get().afterAttempt(envelope.get().recipients(), envelope.get().attempts(),
                envelope.get().lastFailure(), null, envelope.get().delayWarned());
        store.update(released, QueueLayout.DEFERRED);
        lock.lock();
        try {
            Tracked message = new Tracked(id, released, clock.instant());
            tracked.put(id, message);
            schedule(message, message.dueAt);
            schedulerWake.signal();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Messages by state for metrics: {@code active} (in flight), {@code incoming} (never tried), {@code deferred}. */
    public Map<String, Integer> countsByState() {
        lock.lock();
        try {
            int active = 0;
            int incoming = 0;
            int deferred = 0;
            for (Tracked message : tracked.values()) {
                if (message.inFlight) {
                    active++;
                } else if (message.envelope.attempts() == 0) {
                    incoming++;
                } else {
                    deferred++;
                }
            }
            return Map.of("active", active, "incoming", incoming, "deferred", deferred);
        } finally {
            lock.unlock();
        }
    }

    /** How many messages the manager tracks (queued, not on hold). */
    public int size() {
        lock.lock();
        try {
            return tracked.size();
        } finally {
            lock.unlock();
        }
    }

    /** One attempt of one message: deliver, log, then act on the outcome. Runs on its own virtual thread. */
    private void attempt(Tracked message) {
        EnvelopeFile envelope;
        lock.lock();
        try {
            envelope = message.envelope;
        } finally {
            lock.unlock();
        }
        Instant started = clock.instant();
        try {
            Map<String, AttemptResult> results = new LinkedHashMap<>();
            Map<String, DeliveryReport> reports = deliverAll(envelope, results);
            finish(message, envelope, started, results, reports);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // the attempt is repeated after the restart
        } catch (IOException | RuntimeException e) {
            // Unknown means temporary: the message stays queued as it was and is tried again.
            LOG.error(LogLine.of("queue_attempt_failed").field("queue_id", message.id.value())
                    .field("error", e.toString()).toString(), e);
            lock.lock();
            try {
                schedule(message, retry.nextAttemptAfter(envelope.arrival(), Math.max(1, envelope.attempts() + 1),
                        clock.instant()));
            } finally {
                lock.unlock();
            }
        } finally {
            // Operator actions that came while the attempt ran are applied before the message
            // counts as idle, so awaitIdle() sees their result; one arriving during that is
            // applied in the next round.
            while (true) {
                AfterAttempt pending;
                lock.lock();
                try {
                    pending = message.afterAttempt;
                    message.afterAttempt = AfterAttempt.NOTHING;
                    if (pending == AfterAttempt.NOTHING) {
                        message.inFlight = false;
                        running--;
                        if (tracked.get(message.id) == message) {
                            if (message.flushAfterAttempt) {
                                message.dueAt = clock.instant();
                            }
                            // An entry popped while the attempt ran was skipped as stale: queue it again.
                            dueQueue.add(new Due(message.dueAt, message.id, message));
                        }
                        message.flushAfterAttempt = false;
                        changed.signalAll();
                        break;
                    }
                    tracked.remove(message.id, message);
                } finally {
                    lock.unlock();
                }
                applyOperatorAction(message.id, pending);
            }
        }
    }

    /** Carries out a hold or delete that came while the message's attempt ran. */
    private void applyOperatorAction(QueueId id, AfterAttempt action) {
        try {
            switch (action) {
                case DELETE -> {
                    if (store.remove(id)) {
                        LOG.info(LogLine.of("removed").field("queue_id", id.value()).field("reason", "deleted by operator").toString());
                        events.removed(id);
                    }
                }
                case HOLD -> {
                    Optional<EnvelopeFile> envelope = store.envelope(id);
                    if (envelope.isPresent()) {
                        store.update(envelope.get(), QueueLayout.HOLD);
                    }
                }
                case NOTHING -> {
                    // nothing waited for the attempt
                }
            }
        } catch (IOException e) {
            LOG.error(LogLine.of("queue_admin_failed").field("queue_id", id.value())
                    .field("action", action.name().toLowerCase(java.util.Locale.ROOT)).field("error", e.toString()).toString());
        }
    }

    /** Runs one request per destination concurrently; fills {@code results}; returns the reports by recipient. */
    private Map<String, DeliveryReport> deliverAll(EnvelopeFile envelope, Map<String, AttemptResult> results)
            throws InterruptedException {
        Map<String, List<String>> byDestination = new LinkedHashMap<>();
        for (String recipient : envelope.pendingRecipients()) {
            byDestination.computeIfAbsent(router.apply(recipient), key -> new ArrayList<>()).add(recipient);
        }
        int attemptNumber = envelope.attempts() + 1;
        Map<String, DeliveryReport> byGroup = new LinkedHashMap<>();
        if (byDestination.size() == 1) {
            // The common case (one recipient domain): deliver on this thread, no hand-off.
            Map.Entry<String, List<String>> only = byDestination.entrySet().iterator().next();
            DeliveryRequest request = request(envelope, only.getKey(), only.getValue(), attemptNumber);
            DeliveryReport report;
            try {
                report = deliverTo(request);
            } catch (RuntimeException e) {
                report = unexpected(only.getValue(), e);
            }
            byGroup.put(only.getKey(), report);
        } else {
            Map<String, Future<DeliveryReport>> running = new LinkedHashMap<>();
            try (ExecutorService groups = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Map.Entry<String, List<String>> group : byDestination.entrySet()) {
                    DeliveryRequest request = request(envelope, group.getKey(), group.getValue(), attemptNumber);
                    running.put(group.getKey(), groups.submit(() -> deliverTo(request)));
                }
                for (Map.Entry<String, Future<DeliveryReport>> group : running.entrySet()) {
                    try {
                        byGroup.put(group.getKey(), group.getValue().get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        byGroup.put(group.getKey(), unexpected(byDestination.get(group.getKey()), e.getCause()));
                    }
                }
            }
        }
        Map<String, DeliveryReport> reports = new HashMap<>();
        for (Map.Entry<String, DeliveryReport> group : byGroup.entrySet()) {
            DeliveryReport report = group.getValue();
            for (String recipient : byDestination.get(group.getKey())) {
                AttemptResult result = report.results().get(recipient);
                if (result == null) {
                    result = unexpected(List.of(recipient), new IllegalStateException(
                            "the delivery agent returned no result for a recipient")).results().get(recipient);
                }
                results.put(recipient, result);
                reports.put(recipient, report);
            }
        }
        return reports;
    }

    private DeliveryRequest request(EnvelopeFile envelope, String destination, List<String> recipients, int attemptNumber) {
        return new DeliveryRequest(envelope.id().value(), envelope.sender(), recipients, destination, envelope.size(),
                envelope.smtputf8(), "8BITMIME".equals(envelope.body()),
                () -> store.openContent(envelope.id())
                        .orElseThrow(() -> new IOException("message " + envelope.id() + " is no longer queued")),
                attemptNumber);
    }

    /** One destination: honour its backoff and concurrency limit, then ask the agent. */
    private DeliveryReport deliverTo(DeliveryRequest request) throws InterruptedException {
        Destination destination;
        lock.lock();
        try {
            destination = destinations.computeIfAbsent(request.destination(), key -> new Destination(limits.maxPerDestination()));
            if (destination.backedOffUntil != null && clock.instant().isBefore(destination.backedOffUntil)
                    && destination.lastFailure != null) {
                return DeliveryReport.all(request.recipients(), destination.lastFailure, TlsSummary.NONE, Duration.ZERO);
            }
        } finally {
            lock.unlock();
        }
        destination.slots.acquire();
        DeliveryReport report;
        try {
            report = agent.deliver(request);
        } catch (RuntimeException e) {
            report = unexpected(request.recipients(), e);
        } finally {
            destination.slots.release();
        }
        noteDestination(destination, report);
        return report;
    }

    private void noteDestination(Destination destination, DeliveryReport report) {
        lock.lock();
        try {
            boolean destinationFailed = false;
            boolean anyDelivered = false;
            AttemptResult failure = null;
            for (AttemptResult result : report.results().values()) {
                if (result instanceof AttemptResult.TempFailed temp && temp.deferDestination()) {
                    destinationFailed = true;
                    failure = result;
                } else if (result instanceof AttemptResult.Delivered) {
                    anyDelivered = true;
                }
            }
            if (destinationFailed && !anyDelivered) {
                destination.consecutiveFailures++;
                destination.backedOffUntil = retry.destinationRetryAt(destination.consecutiveFailures);
                destination.lastFailure = failure;
            } else if (!destinationFailed) {
                destination.consecutiveFailures = 0;
                destination.backedOffUntil = null;
                destination.lastFailure = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private DeliveryReport unexpected(List<String> recipients, Throwable cause) {
        LOG.error(LogLine.of("delivery_agent_failed").field("error", String.valueOf(cause)).toString(), cause);
        AttemptResult result = classifier.classify(new FailureFact.Unexpected(String.valueOf(cause))).toResult(null);
        return DeliveryReport.all(recipients, result, TlsSummary.NONE, Duration.ZERO);
    }

    /** Acts on an attempt's results: new recipient states, log lines, notices, and the next step. */
    private void finish(Tracked message, EnvelopeFile envelope, Instant started, Map<String, AttemptResult> results,
            Map<String, DeliveryReport> reports) throws IOException {
        Instant now = clock.instant();
        int attemptNumber = envelope.attempts() + 1;
        List<RecipientState> recipients = new ArrayList<>();
        String lastFailure = envelope.lastFailure();
        for (RecipientState recipient : envelope.recipients()) {
            AttemptResult result = results.get(recipient.address());
            if (result == null) {
                recipients.add(recipient); // final already
                continue;
            }
            switch (result) {
                case AttemptResult.Delivered delivered -> recipients.add(new RecipientState(recipient.address(),
                        RecipientState.SENT, null));
                case AttemptResult.PermFailed failed -> {
                    recipients.add(new RecipientState(recipient.address(), RecipientState.FAILED, reason(failed.dsn())));
                    lastFailure = reason(failed.dsn());
                }
                case AttemptResult.TempFailed deferred -> {
                    recipients.add(new RecipientState(recipient.address(), RecipientState.PENDING, reason(deferred.dsn())));
                    lastFailure = reason(deferred.dsn());
                }
            }
        }
        boolean anyPending = recipients.stream().anyMatch(r -> r.status().equals(RecipientState.PENDING));
        ExpiryPolicy.Decision decision = anyPending ? expiry.decide(envelope.arrival(), envelope.delayWarned())
                : ExpiryPolicy.Decision.KEEP;
        boolean expired = decision == ExpiryPolicy.Decision.EXPIRE;
        logAttempt(envelope, started, now, attemptNumber, results, reports, expired);
        events.attemptFinished(envelope.id(), results);

        Map<String, Dsn> bounced = new LinkedHashMap<>();
        for (Map.Entry<String, AttemptResult> entry : results.entrySet()) {
            if (entry.getValue() instanceof AttemptResult.PermFailed failed) {
                bounced.put(entry.getKey(), failed.dsn());
            } else if (expired && entry.getValue() instanceof AttemptResult.TempFailed deferred) {
                bounced.put(entry.getKey(), deferred.dsn().withAction(Dsn.Action.FAILED));
            }
        }
        if (expired) {
            anyPending = false; // the pending recipients are in the bounce; the message leaves the queue
        }
        if (!bounced.isEmpty()) {
            notice(NoticeKind.BOUNCE, envelope, bounced, null);
        }
        if (!anyPending) {
            lock.lock();
            try {
                tracked.remove(message.id, message);
            } finally {
                lock.unlock();
            }
            if (store.removeDelivered(envelope.id())) {
                LOG.info(LogLine.of("removed").field("queue_id", envelope.id().value()).toString());
            }
            events.removed(envelope.id());
            return;
        }
        boolean warned = envelope.delayWarned();
        Instant next = retry.nextAttemptAfter(envelope.arrival(), attemptNumber, now);
        if (decision == ExpiryPolicy.Decision.SEND_DELAY_WARNING) {
            Map<String, Dsn> delayed = new LinkedHashMap<>();
            for (Map.Entry<String, AttemptResult> entry : results.entrySet()) {
                if (entry.getValue() instanceof AttemptResult.TempFailed deferred) {
                    delayed.put(entry.getKey(), deferred.dsn());
                }
            }
            notice(NoticeKind.DELAY, envelope, delayed, expiry.expiresAt(envelope.arrival()));
            warned = true;
        }
        EnvelopeFile updated = envelope.afterAttempt(recipients, attemptNumber, lastFailure, next, warned);
        // A hold or delete that arrives meanwhile is applied when the attempt ends (see attempt()).
        store.update(updated, QueueLayout.DEFERRED);
        lock.lock();
        try {
            message.envelope = updated;
            message.dueAt = next;
        } finally {
            lock.unlock();
        }
    }

    private void notice(NoticeKind kind, EnvelopeFile envelope, Map<String, Dsn> recipients, Instant retryUntil) {
        if (envelope.sender().isEmpty()) {
            // Never a bounce to a bounce (RFC 5321 §6.1, RFC 3464 §2): the null sender gets nothing.
            LOG.info(LogLine.of("notice_suppressed").field("queue_id", envelope.id().value())
                    .field("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).field("reason", "null sender").toString());
            return;
        }
        try {
            notifier.send(new Notice(kind, envelope.toEntry(QueueLayout.DEFERRED), recipients, retryUntil,
                    () -> store.openContent(envelope.id())
                            .orElseThrow(() -> new IOException("message " + envelope.id() + " is no longer queued"))));
        } catch (IOException | RuntimeException e) {
            // XXX: a notice that cannot be queued is lost (logged); the delivery outcome stands.
            LOG.error(LogLine.of("notice_failed").field("queue_id", envelope.id().value())
                    .field("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).field("error", e.toString()).toString());
        }
    }

    private void logAttempt(EnvelopeFile envelope, Instant started, Instant now, int attemptNumber,
            Map<String, AttemptResult> results, Map<String, DeliveryReport> reports, boolean expired) {
        Duration beforeQueue = Duration.between(envelope.arrival(), envelope.attempts() == 0 ? started : envelope.arrival());
        for (Map.Entry<String, AttemptResult> entry : results.entrySet()) {
            DeliveryReport report = reports.get(entry.getKey());
            DeliveryStatus status = LoggedAttempt.statusOf(entry.getValue());
            if (expired && status == DeliveryStatus.DEFERRED) {
                status = DeliveryStatus.EXPIRED;
            }
            Delays delays = new Delays(beforeQueue, Duration.ZERO, report.connectionSetup(), report.transmission());
            Duration delay = Duration.between(envelope.arrival(), now);
            DeliveryLog.attempt(new LoggedAttempt(envelope.id().value(), entry.getKey(), null, entry.getValue(),
                    report.connectionReused(), attemptNumber, delay, delays, report.tls(), status));
            events.recipientAttempted(status, report.tls(), delay);
        }
    }

    private static String reason(Dsn dsn) {
        return dsn.diagnostic() != null ? dsn.diagnostic().text() : dsn.status() + " " + dsn.reason();
    }

    private void schedulerLoop() {
        while (true) {
            lock.lock();
            try {
                if (stopping) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            runDue();
            lock.lock();
            try {
                if (stopping) {
                    return;
                }
                Duration sleep = untilNextDue();
                if (!sleep.isZero() || running >= limits.maxConcurrency()) {
                    schedulerWake.awaitNanos(sleep.isZero() ? MAX_SLEEP.toNanos() : sleep.toNanos());
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Time until the earliest waiting message is due, at most {@link #MAX_SLEEP}; zero if one is due. Lock held. */
    private Duration untilNextDue() {
        Instant now = clock.instant();
        while (!dueQueue.isEmpty()) {
            Due due = dueQueue.peek();
            Tracked message = due.message();
            if (message.inFlight || tracked.get(due.id()) != message || !message.dueAt.equals(due.at())) {
                dueQueue.poll(); // stale
                continue;
            }
            Duration wait = Duration.between(now, due.at());
            if (wait.isNegative() || wait.isZero()) {
                return Duration.ZERO;
            }
            return wait.compareTo(MAX_SLEEP) < 0 ? wait : MAX_SLEEP;
        }
        return MAX_SLEEP;
    }

    /** Stops scheduling, waits up to {@code grace} for running attempts, then interrupts them. */
    public void stop(Duration grace) {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
            schedulerWake.signal();
        } finally {
            lock.unlock();
        }
        if (scheduler != null) {
            try {
                scheduler.join(grace.toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        attempts.shutdown();
        try {
            if (!attempts.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                attempts.shutdownNow(); // interrupted attempts are repeated after the restart
                attempts.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            attempts.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
