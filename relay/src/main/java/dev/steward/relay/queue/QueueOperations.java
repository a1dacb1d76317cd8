package dev.steward.relay.queue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What an operator can do to the queue ({@code bin/steward queue ...}): the same verbs whether the
 * relay runs (then its queue manager does them, see {@link #of(QueueManager, QueueStore)}) or is
 * stopped (then they work on the queue directory directly, see {@link #offline(QueueStore)}).
 *
 * <p>Thread safety: implementations are thread-safe.
 */
public interface QueueOperations {

    List<QueueEntry> list() throws IOException;

    /** The entry and the message bytes, or empty when the id is not queued. */
    Optional<Shown> show(QueueId id) throws IOException;

    /** Tries every message (or one) now; false when the id is not queued. */
    boolean flush(Optional<QueueId> id) throws IOException;

    boolean delete(QueueId id) throws IOException;

    /**
     * Deletes every queued message, held and deferred ones too ({@code queue delete ALL}, Postfix
     * {@code postsuper -d ALL}: the clean-up after an application was abused to send spam); a
     * message being delivered right now goes when its attempt ends. Each delete is durable on its
     * own, as {@link #delete}: a crash half-way leaves the rest queued, never a deleted message
     * back. Returns how many were deleted.
     */
    default int deleteAll() throws IOException {
        int deleted = 0;
        for (QueueEntry entry : list()) {
            if (delete(entry.id())) {
                deleted++;
            }
        }
        return deleted;
    }

    boolean hold(QueueId id) throws IOException;

    boolean release(QueueId id) throws IOException;

    /** One message as {@code queue show} prints it. */
    record Shown(QueueEntry entry, byte[] content) {
    }

    /** The verbs through the running queue manager. */
    static QueueOperations of(QueueManager manager, QueueStore store) {
        return new QueueOperations() {
            @Override
            public List<QueueEntry> list() throws IOException {
                return store.listLive();
            }

            @Override
            public Optional<Shown> show(QueueId id) throws IOException {
                return QueueOperations.show(store, id);
            }

            @Override
            public boolean flush(Optional<QueueId> id) {
                return manager.flush(id);
            }

            @Override
            public boolean delete(QueueId id) throws IOException {
                return manager.delete(id);
            }

            @Override
            public boolean hold(QueueId id) throws IOException {
                return manager.hold(id);
            }

            @Override
            public boolean release(QueueId id) throws IOException {
                return manager.release(id);
            }
        };
    }

    /**
     * The verbs on a queue no relay runs on ({@code store} holds the queue lock). Flush clears
     * the next-attempt times, so the relay tries everything as soon as it starts.
     */
    static QueueOperations offline(QueueStore store) {
        return new QueueOperations() {
            @Override
            public List<QueueEntry> list() throws IOException {
                return store.listLive();
            }

            @Override
            public Optional<Shown> show(QueueId id) throws IOException {
                return QueueOperations.show(store, id);
            }

            @Override
            public boolean flush(Optional<QueueId> id) throws IOException {
                boolean found = id.isEmpty();
                for (QueueEntry entry : store.listLive()) {
                    if ((id.isEmpty() || id.get().equals(entry.id())) && !entry.state().equals(QueueLayout.HOLD)
                            && !entry.state().equals(QueueLayout.CORRUPT)) {
                        Optional<EnvelopeFile> envelope = store.envelope(entry.id());
                        if (envelope.isPresent()) {
                            EnvelopeFile now = envelope.get();
                            store.update(now.afterAttempt(now.recipients(), now.attempts(), now.lastFailure(), null,
                                    now.delayWarned()), entry.state());
                            found = true;
                        }
                    }
                }
                return found;
            }

            @Override
            public boolean delete(QueueId id) throws IOException {
                return store.remove(id);
            }

            @Override
            public boolean hold(QueueId id) throws IOException {
                Optional<EnvelopeFile> envelope = store.envelope(id);
                return envelope.isPresent() && store.update(envelope.get(), QueueLayout.HOLD);
            }

            @Override
            public boolean release(QueueId id) throws IOException {
                Optional<EnvelopeFile> envelope = store.envelope(id);
                if (envelope.isEmpty() || !store.stateOf(id).map(QueueLayout.HOLD::equals).orElse(false)) {
                    return false;
                }
                EnvelopeFile now = envelope.get();
                return store.update(now.afterAttempt(now.recipients(), now.attempts(), now.lastFailure(), null,
                        now.delayWarned()), QueueLayout.DEFERRED);
            }
        };
    }

    private static Optional<Shown> show(QueueStore store, QueueId id) throws IOException {
        Optional<EnvelopeFile> envelope = store.envelope(id);
        Optional<String> state = store.stateOf(id);
        if (envelope.isEmpty() || state.isEmpty()) {
            return Optional.empty();
        }
        Optional<java.io.InputStream> content = store.openContent(id);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try (java.io.InputStream in = content.get()) {
            return Optional.of(new Shown(envelope.get().toEntry(state.get()), in.readAllBytes()));
        }
    }
}
