package dev.steward.relay.queue;

import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only scan behind {@link QueueStore#list}: never creates, moves or deletes anything, and
 * takes no lock, so it can run next to a live relay (Postfix {@code showq}).
 *
 * <p>Messages that live in the intake journal (not yet checkpointed into files) are listed from
 * their newest journal record. A message is listed when its {@code .env} is readable; a {@code .msg} alone is a commit in
 * progress and is not listed. A file that disappears between the directory read and the file read
 * was moved by the relay and is skipped silently (the message may then be missed by this scan, as
 * with {@code showq}). Other unreadable entries outside {@code corrupt/} are skipped with one WARN
 * each. Entries in {@code corrupt/} are always listed: what can be read is shown, otherwise the id
 * and file facts with the reason as the last failure.
 *
 * <p>Thread safety: stateless.
 */
final class QueueListing {

    private static final Logger LOG = LoggerFactory.getLogger(QueueListing.class);

    private QueueListing() {
    }

    static List<QueueEntry> list(Path root) throws IOException {
        QueueLayout layout = new QueueLayout(root);
        List<QueueEntry> entries = new ArrayList<>();
        // The journal first: a message the relay moves from the journal into files meanwhile is
        // then seen in one place or both (files win), never in neither.
        Map<QueueId, QueueEntry> inJournal = new LinkedHashMap<>();
        if (Files.isDirectory(layout.journal())) {
            for (JournalReplay.JournalMessage message : JournalReplay.scan(layout)) {
                try {
                    inJournal.put(message.id(), EnvelopeFile.decode(message.env(), message.id()).toEntry(message.state()));
                } catch (CorruptQueueFileException e) {
                    LOG.warn(LogLine.of("queue_unreadable").field("queue_id", message.id()).field("state", "journal")
                            .field("reason", e.getMessage()).toString());
                }
            }
        }
        for (String state : QueueLayout.STATES) {
            Path directory = layout.state(state);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            if (state.equals(QueueLayout.CORRUPT)) {
                listCorrupt(layout, entries);
                continue;
            }
            for (Path file : QueueRecovery.entries(directory)) {
                Optional<QueueId> id = QueueLayout.idOf(file.getFileName().toString(), QueueLayout.ENV);
                if (id.isEmpty()) {
                    continue;
                }
                try {
                    entries.add(QueueRecovery.read(layout, state, id.get()).toEntry(state));
                    inJournal.remove(id.get());
                } catch (NoSuchFileException e) {
                    // Moved by the relay while we looked: not an error.
                } catch (IOException | CorruptQueueFileException e) {
                    LOG.warn(LogLine.of("queue_unreadable").field("queue_id", id.get()).field("state", state)
                            .field("reason", e.getMessage()).toString());
                }
            }
        }
        entries.addAll(inJournal.values());
        entries.sort(Comparator.comparing(QueueEntry::id).thenComparing(QueueEntry::state));
        return entries;
    }

    private static void listCorrupt(QueueLayout layout, List<QueueEntry> entries) throws IOException {
        Map<QueueId, List<Path>> files = new LinkedHashMap<>();
        for (Path file : QueueRecovery.entries(layout.state(QueueLayout.CORRUPT))) {
            String name = file.getFileName().toString();
            QueueLayout.idOf(name, QueueLayout.ENV).or(() -> QueueLayout.idOf(name, QueueLayout.MSG))
                    .ifPresent(id -> files.computeIfAbsent(id, key -> new ArrayList<>()).add(file));
        }
        for (Map.Entry<QueueId, List<Path>> message : files.entrySet()) {
            QueueId id = message.getKey();
            try {
                entries.add(QueueRecovery.read(layout, QueueLayout.CORRUPT, id).toEntry(QueueLayout.CORRUPT));
            } catch (IOException | CorruptQueueFileException e) {
                entries.add(describeUnreadable(layout, id, e.getMessage()));
            }
        }
    }

    private static QueueEntry describeUnreadable(QueueLayout layout, QueueId id, String reason) {
        long size = 0;
        Instant arrival = Instant.EPOCH;
        for (Path file : List.of(layout.msg(QueueLayout.CORRUPT, id), layout.env(QueueLayout.CORRUPT, id))) {
            try {
                arrival = Files.getLastModifiedTime(file).toInstant();
                if (file.getFileName().toString().endsWith(QueueLayout.MSG)) {
                    size = Files.size(file);
                }
                break;
            } catch (IOException e) {
                // Try the other file; the reason already says what is wrong.
            }
        }
        return new QueueEntry(id, QueueLayout.CORRUPT, size, arrival, "", List.of(), "unreadable queue file: " + reason);
    }
}
