package dev.steward.relay.queue;

import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup repair of the queue directories, run by {@link QueueStore#open} right after
 * {@link JournalReplay} (which wrote back every acknowledged message whose files did not reach
 * the disk, and emptied {@code journal/}) and before anything else touches them (the queue lock
 * is held). Order matters:
 *
 * <ol>
 *   <li>delete everything in {@code tmp/} (commits that never reached their rename);
 *   <li>delete {@code *.new} files in the state directories (state updates that never reached
 *       their rename; the previous {@code .env} is still there);
 *   <li>move {@code active/*} back to {@code incoming/}, {@code .msg} files before {@code .env}
 *       files (Postfix {@code qmgr_post_init});
 *   <li>a {@code .msg} without an {@code .env} next to it is either half of a move between state
 *       directories (the {@code .msg} moves first) and joins its {@code .env}, or a commit
 *       interrupted between its two renames and is deleted;
 *   <li>read every {@code .env}; one that does not parse, has no end marker, or whose
 *       {@code .msg} is missing or of another size moves to {@code corrupt/} with its
 *       {@code .msg}, logged once at WARN;
 *   <li>fsync every directory.
 * </ol>
 *
 * Files whose names are not {@code ID.msg}, {@code ID.env} or {@code ID.env.new} are left alone
 * with one WARN each. Nothing that has an intact {@code .env} and {@code .msg} is ever removed.
 *
 * <p>Thread safety: single-threaded.
 */
final class QueueRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRecovery.class);

    /** The state directories a committed, readable message can be in after step 3. */
    private static final List<String> LIVE = List.of(QueueLayout.INCOMING, QueueLayout.DEFERRED, QueueLayout.HOLD);

    private final QueueLayout layout;
    private int recovered; // messages moved back from active/ or re-joined with their .env
    private int removedPartial; // interrupted writes deleted
    private int movedCorrupt; // messages moved to corrupt/

    private QueueRecovery(QueueLayout layout) {
        this.layout = layout;
    }

    /** {@code replayed} is what {@link JournalReplay} wrote again just before. */
    static RecoveryReport run(QueueLayout layout, int replayed) throws IOException {
        QueueRecovery recovery = new QueueRecovery(layout);
        recovery.clearTmp();
        recovery.removeUnfinishedUpdates();
        recovery.returnActive();
        recovery.resolveOrphans();
        recovery.checkEnvelopes();
        for (String state : QueueLayout.STATES) {
            QueueLayout.syncDirectory(layout.state(state));
        }
        QueueLayout.syncDirectory(layout.tmp());
        return new RecoveryReport(recovery.recovered, recovery.removedPartial, recovery.movedCorrupt, replayed);
    }

    private void clearTmp() throws IOException {
        for (Path file : entries(layout.tmp())) {
            if (Files.isDirectory(file)) {
                warnUnexpected(file);
                continue;
            }
            Files.deleteIfExists(file);
            String name = file.getFileName().toString();
            if (!name.equals(QueueLayout.JOURNAL_SPARE) && !name.equals(QueueLayout.JOURNAL_RECYCLED)) {
                removedPartial++; // the journal's spare and recycled segments are not partial commits
            }
        }
    }

    private void removeUnfinishedUpdates() throws IOException {
        for (String state : QueueLayout.STATES) {
            for (Path file : entries(layout.state(state))) {
                if (file.getFileName().toString().endsWith(QueueLayout.ENV + QueueLayout.NEW)) {
                    Files.deleteIfExists(file);
                    removedPartial++;
                }
            }
        }
    }

    private void returnActive() throws IOException {
        Path active = layout.state(QueueLayout.ACTIVE);
        Path incoming = layout.state(QueueLayout.INCOMING);
        for (String suffix : List.of(QueueLayout.MSG, QueueLayout.ENV)) {
            for (Path file : entries(active)) {
                String name = file.getFileName().toString();
                if (QueueLayout.idOf(name, suffix).isPresent()) {
                    Files.move(file, incoming.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    if (suffix.equals(QueueLayout.ENV)) {
                        recovered++;
                    }
                }
            }
        }
    }

    private void resolveOrphans() throws IOException {
        for (String state : LIVE) {
            for (Path file : entries(layout.state(state))) {
                Optional<QueueId> id = QueueLayout.idOf(file.getFileName().toString(), QueueLayout.MSG);
                if (id.isEmpty() || Files.exists(layout.env(state, id.get()))) {
                    continue;
                }
                Optional<String> home = LIVE.stream()
                        .filter(other -> Files.exists(layout.env(other, id.get())))
                        .findFirst();
                if (home.isPresent()) {
                    Files.move(file, layout.msg(home.get(), id.get()), StandardCopyOption.ATOMIC_MOVE);
                    recovered++;
                } else {
                    Files.deleteIfExists(file);
                    removedPartial++;
                }
            }
        }
    }

    private void checkEnvelopes() throws IOException {
        for (String state : LIVE) {
            for (Path file : entries(layout.state(state))) {
                String name = file.getFileName().toString();
                Optional<QueueId> id = QueueLayout.idOf(name, QueueLayout.ENV);
                if (id.isEmpty()) {
                    if (QueueLayout.idOf(name, QueueLayout.MSG).isEmpty()) {
                        warnUnexpected(file);
                    }
                    continue;
                }
                try {
                    read(layout, state, id.get());
                } catch (CorruptQueueFileException e) {
                    moveToCorrupt(state, id.get(), e.getMessage());
                }
            }
        }
    }

    /** Reads and cross-checks one message; shared with the listing. */
    static EnvelopeFile read(QueueLayout layout, String state, QueueId id)
            throws IOException, CorruptQueueFileException {
        byte[] bytes = Files.readAllBytes(layout.env(state, id));
        EnvelopeFile envelope = EnvelopeFile.decode(bytes, id);
        long size;
        try {
            size = Files.size(layout.msg(state, id));
        } catch (NoSuchFileException e) {
            throw new CorruptQueueFileException("message file " + id + QueueLayout.MSG + " is missing", e);
        }
        if (size != envelope.size()) {
            throw new CorruptQueueFileException("message file has " + size + " bytes, envelope says " + envelope.size());
        }
        return envelope;
    }

    private void moveToCorrupt(String state, QueueId id, String reason) throws IOException {
        Path msg = layout.msg(state, id);
        if (Files.exists(msg)) {
            Files.move(msg, layout.msg(QueueLayout.CORRUPT, id), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(layout.env(state, id), layout.env(QueueLayout.CORRUPT, id), StandardCopyOption.ATOMIC_MOVE);
        movedCorrupt++;
        LOG.warn(LogLine.of("queue_corrupt").field("queue_id", id).field("from", state)
                .field("to", QueueLayout.CORRUPT).field("reason", reason).toString());
    }

    private static void warnUnexpected(Path file) {
        LOG.warn(LogLine.of("queue_unexpected_file").field("path", file).field("action", "left alone").toString());
    }

    static List<Path> entries(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(files::add);
        }
        files.sort(null);
        return files;
    }
}
