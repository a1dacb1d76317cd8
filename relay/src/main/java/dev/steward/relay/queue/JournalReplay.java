package dev.steward.relay.queue;

import dev.steward.common.io.DiskFull;
import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup replay of the intake journal, run by {@link QueueStore#open} before
 * {@link QueueRecovery}: every message whose record is in a segment and whose files did not
 * reach the disk intact is written again from the record; then all segments are checkpointed
 * (files fsynced, segments deleted).
 *
 * <p>A message's files are intact when its {@code .env} decodes in some state directory with the
 * record's size, and the {@code .msg} next to it has exactly the record's bytes. The content is
 * compared, not only the size: on ext4 without a journal a crash can leave a file with its new
 * size but zero-filled blocks. When the {@code .env} is intact but the {@code .msg} is not, only
 * the {@code .msg} is rewritten, in place, so a later state change is kept. Otherwise every
 * leftover of the id is removed and both files are written into {@code incoming/}.
 *
 * <p>Reading a segment stops at the first record that is not whole, CRC-correct and sealed for
 * this segment ({@link JournalRecord#validity}). A torn or zero-filled tail is a crash during an
 * append, never acknowledged, and is ignored silently; so are the records of an earlier segment
 * behind the end of a recycled file's. A bad record followed somewhere by a valid record of this
 * segment is logged once per segment at WARN ({@code queue_journal_damaged}); the rest of the
 * segment is not salvaged, because a record found by scanning could be one embedded by a client
 * in a message body.
 *
 * <p>Thread safety: single-threaded (the queue lock is held).
 */
final class JournalReplay {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);
    static final int SYNC_THREADS = 32;

    private final QueueLayout layout;
    private int replayed; // messages written again from the journal

    private JournalReplay(QueueLayout layout) {
        this.layout = layout;
    }

    /** The newest state a journal holds for one message id (pass one of a replay or a scan). */
    private static final class Latest {
        boolean cancelled; // a CANCEL record followed the message
        byte[] env; // env bytes of the newest STATE record, or null
        String state; // state directory of the newest STATE record, or null
    }

    /** A message that lives in the journal: its id, state directory and current {@code .env} bytes. */
    record JournalMessage(QueueId id, String state, byte[] env, long size) {
    }

    /** The journal segments of a queue, oldest first. */
    static List<Path> segments(QueueLayout layout) throws IOException {
        List<Path> segments = new ArrayList<>();
        for (Path file : QueueRecovery.entries(layout.journal())) {
            if (file.getFileName().toString().endsWith(IntakeJournal.SUFFIX) && Files.isRegularFile(file)) {
                segments.add(file);
            }
        }
        return segments;
    }

    /**
     * What a replay did: how many messages it wrote again, and the segments it had to keep because
     * the disk was full (empty after a normal replay, which removes every segment).
     */
    record Result(int replayed, List<Kept> kept) {
    }

    /**
     * A segment kept by a replay on a full disk, for the relay to serve its messages from, as it
     * does before a checkpoint: {@code end} is where its last whole record ends; {@code messages}
     * are the queued ones whose {@link JournalRecord#MESSAGE} record is in it.
     */
    record Kept(Path segment, long end, List<KeptMessage> messages) {
    }

    /**
     * A queued message that lives only in a kept segment: where its content lies, where its newest
     * {@code .env} lies (its own record's, or a later STATE record's, possibly in a later
     * segment), and the state directory it belongs to.
     */
    record KeptMessage(QueueId id, long msgPosition, int msgLength, Path envSegment, long envPosition, int envLength,
            String state) {
    }

    /**
     * Replays and removes every segment. On a full disk (ENOSPC or EDQUOT while writing the files)
     * the segments are kept instead, see {@link #keep}: the relay then starts, answers 452 to new
     * mail, and delivers what is queued, whose removal frees the space.
     */
    static Result run(QueueLayout layout) throws IOException {
        List<Path> segments = segments(layout);
        if (segments.isEmpty()) {
            return new Result(0, List.of());
        }
        JournalReplay replay = new JournalReplay(layout);
        // Two passes, one segment in memory at a time: a STATE or CANCEL record may be in a later
        // segment than its message.
        Map<QueueId, Latest> latest = latest(segments, true);
        Set<QueueId> ids = new LinkedHashSet<>();
        try {
            for (Path segment : segments) {
                for (JournalRecord record : read(segment, false)) {
                    Latest newest = latest.get(record.id());
                    if (record.kind() == JournalRecord.MESSAGE && !newest.cancelled) {
                        byte[] env = newest.env != null ? newest.env : record.env();
                        String state = newest.state != null ? newest.state : QueueLayout.INCOMING;
                        replay.restore(record, env, state);
                        ids.add(record.id());
                    }
                }
            }
        } catch (IOException e) {
            if (!DiskFull.isDiskFull(e)) {
                throw e;
            }
            return replay.keep(segments, latest, e);
        }
        syncMessages(layout, List.copyOf(ids));
        QueueLayout.syncDirectory(layout.tmp());
        for (Path segment : segments) {
            Files.delete(segment);
        }
        QueueLayout.syncDirectory(layout.journal());
        return new Result(replay.replayed, List.of());
    }

    /**
     * The replay on a full disk: every segment stays, and every queued message in them lives in
     * the journal unless its files are already intact. A message with files that are not intact
     * has them removed (that frees space, and the journal's copy is the one that counts); one whose
     * {@code .env} is intact but whose {@code .msg} is not keeps its {@code .env} (it may be newer
     * than the journal's state) and gets its {@code .msg} written again, or, if even that does not
     * fit, the replay fails as before. The files of the messages that are in files are fsynced
     * (that needs no space), so no kept segment is the only durable copy of a message that also
     * has files. A message whose newest state is {@code active} (it was being delivered) belongs to
     * {@code incoming}, as {@link QueueRecovery} does for files.
     */
    private Result keep(List<Path> segments, Map<QueueId, Latest> latest, IOException diskFull) throws IOException {
        Map<QueueId, Located> newestEnv = new HashMap<>(); // where the newest STATE record lies
        List<List<Located>> perSegment = new ArrayList<>();
        for (Path segment : segments) {
            List<Located> located = locate(segment);
            perSegment.add(located);
            for (Located record : located) {
                if (record.head().kind() == JournalRecord.STATE && QueueLayout.STATES.contains(record.state())
                        && !record.state().equals(QueueLayout.CORRUPT)) {
                    newestEnv.put(record.head().id(), record);
                }
            }
        }
        List<Kept> kept = new ArrayList<>();
        List<QueueId> inFiles = new ArrayList<>();
        int journalOnly = 0;
        for (int i = 0; i < segments.size(); i++) {
            List<KeptMessage> messages = new ArrayList<>();
            long end = 0;
            for (Located record : perSegment.get(i)) {
                end = record.end();
                QueueId id = record.head().id();
                if (record.head().kind() != JournalRecord.MESSAGE || latest.get(id).cancelled) {
                    continue;
                }
                Located env = newestEnv.getOrDefault(id, record);
                String state = env == record ? QueueLayout.INCOMING : env.state();
                if (state.equals(QueueLayout.ACTIVE)) {
                    state = QueueLayout.INCOMING;
                }
                if (!usable(id, read(env.segment(), env.payload() + env.head().envOffset(), env.head().envLength()),
                        record.head().msgLength())) {
                    continue; // logged; skipped as restore() skips it
                }
                Optional<String> onDisk = intactEnvelope(id, record.head().msgLength());
                if (onDisk.isPresent()) {
                    byte[] content = read(segments.get(i), record.payload() + record.head().msgOffset(),
                            record.head().msgLength());
                    Path msg = layout.msg(onDisk.get(), id);
                    if (!sameContent(msg, content)) {
                        try {
                            replace(msg, content);
                        } catch (IOException e) {
                            diskFull.addSuppressed(e);
                            throw diskFull;
                        }
                        replayed++;
                    }
                    inFiles.add(id);
                    continue;
                }
                removeLeftovers(id);
                messages.add(new KeptMessage(id, record.payload() + record.head().msgOffset(), record.head().msgLength(),
                        env.segment(), env.payload() + env.head().envOffset(), env.head().envLength(), state));
                journalOnly++;
            }
            kept.add(new Kept(segments.get(i), end, List.copyOf(messages)));
        }
        syncMessages(layout, inFiles);
        QueueLayout.syncDirectory(layout.tmp());
        LOG.warn(LogLine.of("queue_journal_kept").field("segments", segments.size()).field("messages", journalOnly)
                .field("reason", "the queue's disk is full; these messages stay in the journal until their files fit")
                .field("error", diskFull.getMessage()).toString());
        return new Result(replayed, List.copyOf(kept));
    }

    /** Whether a message's newest envelope decodes and gives its size; logged if not (the message is skipped). */
    private static boolean usable(QueueId id, byte[] env, long msgLength) {
        String problem;
        try {
            EnvelopeFile envelope = EnvelopeFile.decode(env, id);
            problem = envelope.size() == msgLength ? null : "size " + envelope.size() + " but " + msgLength + " bytes";
        } catch (CorruptQueueFileException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            LOG.warn(LogLine.of("queue_journal_bad_record").field("queue_id", id).field("reason", problem).toString());
        }
        return problem == null;
    }

    /**
     * A whole, CRC-correct, well-formed record of a segment and where it lies: {@code payload} is
     * the position of its first payload byte, {@code end} the position after it; {@code state} is
     * a STATE record's state name, else null.
     */
    private record Located(Path segment, JournalRecord.Head head, long payload, long end, String state) {
    }

    /** The records of one segment with their positions; stops where {@link #read} stops. */
    private static List<Located> locate(Path segment) throws IOException {
        List<Located> located = new ArrayList<>();
        walk(segment, false, (bytes, payload, length) -> {
            JournalRecord.Head head = JournalRecord.decodeHead(ByteBuffer.wrap(bytes, payload, length), length);
            String state = head.kind() == JournalRecord.STATE
                    ? JournalRecord.decodePayload(bytes, payload, length).stateName() : null;
            located.add(new Located(segment, head, payload, payload + length, state));
        });
        return located;
    }

    private static byte[] read(Path segment, long position, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            readFully(channel, bytes, position);
            return bytes.array();
        }
    }

    /**
     * The messages that live in the journal now, read-only (for the listing next to a running
     * relay). A segment the relay deletes while this reads it is skipped: its messages are in
     * files by then. One it recycles while this reads it ends where the next segment's records
     * begin to overwrite it (they are not sealed for it); what this read of it before is a moment
     * older than the rest, like any listing of a running queue. Message contents are never read
     * into memory, only checked and counted ({@link #scanSegment}): the retained segments hold up
     * to 64 MiB, as much as the relay's heap.
     */
    static List<JournalMessage> scan(QueueLayout layout) throws IOException {
        Map<QueueId, Latest> latest = new HashMap<>();
        List<JournalMessage> messages = new ArrayList<>();
        for (Scanned scanned : scanAll(layout, id -> false, latest)) {
            JournalRecord record = scanned.record();
            Latest newest = latest.get(record.id());
            if (record.kind() == JournalRecord.MESSAGE && !newest.cancelled) {
                messages.add(new JournalMessage(record.id(), newest.state != null ? newest.state : QueueLayout.INCOMING,
                        newest.env != null ? newest.env : record.env(), scanned.msgSize()));
            }
        }
        return messages;
    }

    /** The message bytes of {@code id} if a segment holds a live record of it (read-only). */
    static Optional<byte[]> content(QueueLayout layout, QueueId id) throws IOException {
        Map<QueueId, Latest> latest = new HashMap<>();
        byte[] content = null;
        for (Scanned scanned : scanAll(layout, id::equals, latest)) {
            if (scanned.record().kind() == JournalRecord.MESSAGE && scanned.record().id().equals(id)) {
                content = scanned.record().msg();
            }
        }
        Latest newest = latest.get(id);
        return content == null || newest.cancelled ? Optional.empty() : Optional.of(content);
    }

    /**
     * The records of every segment, oldest first, with each id's newest state noted in
     * {@code latest}; a segment the relay deletes while this reads it is skipped (its messages are
     * in files by then).
     */
    private static List<Scanned> scanAll(QueueLayout layout, java.util.function.Predicate<QueueId> withContent,
            Map<QueueId, Latest> latest) throws IOException {
        List<Scanned> records = new ArrayList<>();
        for (Path segment : segments(layout)) {
            try {
                List<Scanned> inSegment = scanSegment(segment, withContent);
                note(latest, inSegment.stream().map(Scanned::record).toList());
                records.addAll(inSegment);
            } catch (NoSuchFileException checkpointed) {
                // Deleted by the relay's checkpointer after it wrote the files.
            }
        }
        return records;
    }

    /**
     * A record as {@link #scanSegment} returns it: a MESSAGE record's {@code msg} is null unless it
     * was asked for; {@code msgSize} is its length either way.
     */
    record Scanned(JournalRecord record, long msgSize) {
    }

    /** How much of a segment a scan reads at a time. */
    private static final int SCAN_CHUNK = 64 * 1024;

    /**
     * The whole, CRC-correct records of one segment, as {@link #read} finds them, but streamed: a
     * record's CRC is checked in chunks, and its bytes are kept only for envelopes, STATE records
     * and the messages {@code withContent} names. Memory stays at a chunk plus what is kept,
     * however large the segment or its messages. Stops at the first record that is not whole and
     * CRC-correct; a well-formed record cut off by the end of what has been written so far (the
     * relay is appending to its current segment) ends the scan too.
     */
    static List<Scanned> scanSegment(Path segment, java.util.function.Predicate<QueueId> withContent) throws IOException {
        List<Scanned> records = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            long number = IntakeJournal.segmentNumber(segment);
            ByteBuffer header = ByteBuffer.allocate(JournalRecord.HEADER);
            ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK);
            long position = 0;
            while (size - position >= JournalRecord.HEADER) {
                header.clear();
                readFully(channel, header, position);
                int length = header.getInt(4);
                int magic = header.getInt(0);
                if (!JournalRecord.isMagic(magic) || length < 0 || length > size - position - JournalRecord.HEADER) {
                    break;
                }
                long payload = position + JournalRecord.HEADER;
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                for (long done = 0; done < length; ) {
                    chunk.clear().limit((int) Math.min(SCAN_CHUNK, length - done));
                    readFully(channel, chunk, payload + done);
                    chunk.flip();
                    done += chunk.remaining();
                    crc.update(chunk);
                }
                if (JournalRecord.validity(magic, header.getInt(8), (int) crc.getValue(), number) != JournalRecord.Validity.VALID) {
                    break; // torn, damaged, or a recycled file's earlier records
                }
                position = payload + length;
                Scanned scanned = scanned(channel, payload, length, withContent);
                if (scanned != null) {
                    records.add(scanned);
                }
            }
        }
        return records;
    }

    /** One CRC-correct payload: its head, its envelope, and its content if wanted; null if malformed. */
    private static Scanned scanned(FileChannel channel, long payload, int length,
            java.util.function.Predicate<QueueId> withContent) throws IOException {
        ByteBuffer headBytes = ByteBuffer.allocate(Math.min(length, JournalRecord.MAX_HEAD));
        readFully(channel, headBytes, payload);
        JournalRecord.Head head;
        try {
            head = JournalRecord.decodeHead(headBytes.flip(), length);
        } catch (CorruptQueueFileException malformed) {
            return null; // a CRC-correct record that does not parse: skipped, as read() does
        }
        ByteBuffer env = ByteBuffer.allocate(head.envLength());
        readFully(channel, env, payload + head.envOffset());
        byte[] msg = null;
        if (head.kind() != JournalRecord.MESSAGE || withContent.test(head.id())) {
            ByteBuffer content = ByteBuffer.allocate(head.msgLength());
            readFully(channel, content, payload + head.msgOffset());
            msg = content.array();
        }
        return new Scanned(new JournalRecord(head.kind(), head.id(), env.array(), msg), head.msgLength());
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                throw new java.io.EOFException("journal segment shorter than its size");
            }
        }
    }

    private static Map<QueueId, Latest> latest(List<Path> segments, boolean log) throws IOException {
        Map<QueueId, Latest> latest = new HashMap<>();
        for (Path segment : segments) {
            note(latest, read(segment, log));
        }
        return latest;
    }

    private static void note(Map<QueueId, Latest> latest, List<JournalRecord> records) {
        for (JournalRecord record : records) {
            Latest newest = latest.computeIfAbsent(record.id(), id -> new Latest());
            switch (record.kind()) {
                case JournalRecord.CANCEL -> newest.cancelled = true;
                case JournalRecord.STATE -> {
                    String state = record.stateName();
                    if (QueueLayout.STATES.contains(state) && !state.equals(QueueLayout.CORRUPT)) {
                        newest.env = record.env();
                        newest.state = state;
                    } else {
                        LOG.warn(LogLine.of("queue_journal_bad_record").field("queue_id", record.id())
                                .field("reason", "unknown state " + state).toString());
                    }
                }
                default -> {
                    // MESSAGE: pass two restores it.
                }
            }
        }
    }

    /**
     * fsyncs the {@code .msg} and {@code .env} of each message wherever it is now, then every
     * state directory. A message found in no state directory was removed and is skipped.
     *
     * <p>The file fsyncs run on {@link #SYNC_THREADS} virtual threads at once: each is a round
     * trip to the device (on ext4 without a journal every fsync issues its own cache flush), and
     * the device and the block layer can overlap concurrent ones; one at a time, a checkpoint
     * would barely keep up with the intake.
     */
    static void syncMessages(QueueLayout layout, List<QueueId> ids) throws IOException {
        AtomicInteger next = new AtomicInteger();
        List<IOException> failures = new CopyOnWriteArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < Math.min(SYNC_THREADS, ids.size()); t++) {
                executor.execute(() -> {
                    for (int i = next.getAndIncrement(); i < ids.size() && failures.isEmpty(); i = next.getAndIncrement()) {
                        try {
                            syncMessage(layout, ids.get(i));
                        } catch (IOException e) {
                            failures.add(e);
                        }
                    }
                });
            }
        }
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            throw new IOException("checkpoint fsync failed: " + first.getMessage(), first);
        }
        for (String state : QueueLayout.STATES) {
            QueueLayout.syncDirectory(layout.state(state));
        }
    }

    private static void syncMessage(QueueLayout layout, QueueId id) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<String> state = stateOf(layout, id);
            if (state.isEmpty()) {
                return;
            }
            try {
                syncFile(layout.msg(state.get(), id));
                syncFile(layout.env(state.get(), id));
                return;
            } catch (NoSuchFileException movedMeanwhile) {
                // A queue manager moved it between the lookup and the fsync: look again.
            }
        }
    }

    /** Whole, CRC-correct records of one segment, in order; damage is logged. */
    static List<JournalRecord> read(Path segment) throws IOException {
        return read(segment, true);
    }

    static List<JournalRecord> read(Path segment, boolean log) throws IOException {
        List<JournalRecord> records = new ArrayList<>();
        walk(segment, log, (bytes, payload, length) -> records.add(JournalRecord.decodePayload(bytes, payload, length)));
        return records;
    }

    /** What {@link #walk} does with the payload of one whole, CRC-correct record of a segment's bytes. */
    @FunctionalInterface
    private interface RecordVisitor {
        void visit(byte[] bytes, int payload, int length) throws CorruptQueueFileException;
    }

    /**
     * Reads a segment and passes each whole, CRC-correct record to {@code visitor}, in order, up to
     * the first record that is not whole and CRC-correct. A record the visitor finds malformed is
     * skipped; with {@code log}, it is logged, and so is damage followed by more records.
     */
    private static void walk(Path segment, boolean log, RecordVisitor visitor) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        long number = IntakeJournal.segmentNumber(segment);
        ByteBuffer view = ByteBuffer.wrap(bytes);
        int position = 0;
        while (position < bytes.length) {
            int rest = bytes.length - position;
            int length = rest < JournalRecord.HEADER ? -1 : view.getInt(position + 4);
            JournalRecord.Validity validity = null;
            String problem;
            if (rest < JournalRecord.HEADER) {
                problem = "header cut short";
            } else if (!JournalRecord.isMagic(view.getInt(position))) {
                problem = "no record magic";
            } else if (length < 0 || length > rest - JournalRecord.HEADER) {
                problem = "length " + length + " beyond the end";
            } else {
                validity = validity(view, position, length, number);
                problem = validity == JournalRecord.Validity.DAMAGED ? "CRC mismatch" : null;
            }
            if (validity == JournalRecord.Validity.STALE) {
                break; // the end of this segment's records in a recycled file
            }
            if (validity == JournalRecord.Validity.VALID) {
                try {
                    visitor.visit(bytes, position + JournalRecord.HEADER, length);
                } catch (CorruptQueueFileException e) {
                    if (log) {
                        LOG.warn(LogLine.of("queue_journal_bad_record").field("segment", segment)
                            .field("offset", position).field("reason", e.getMessage()).toString());
                    }
                }
                position += JournalRecord.HEADER + length;
                continue;
            }
            if (log && validRecordAfter(bytes, position + 1, number)) {
                LOG.warn(LogLine.of("queue_journal_damaged").field("segment", segment).field("offset", position)
                        .field("reason", problem).field("bytes_ignored", rest).toString());
            }
            break;
        }
    }

    /**
     * Writes the files of one journal message unless they are intact. Intact files are never older
     * than the journal's state: the checkpointer writes them from the newest state, and later
     * updates go to the files.
     */
    private void restore(JournalRecord record, byte[] env, String state) throws IOException {
        QueueId id = record.id();
        if (!usable(id, env, record.msg().length)) {
            return;
        }
        Optional<String> onDisk = intactEnvelope(id, record.msg().length);
        if (onDisk.isPresent()) {
            Path msg = layout.msg(onDisk.get(), id);
            if (!sameContent(msg, record.msg())) {
                replace(msg, record.msg());
                replayed++;
            }
            return;
        }
        removeLeftovers(id);
        replace(layout.msg(state, id), record.msg());
        replace(layout.env(state, id), env);
        replayed++;
    }

    private Optional<String> intactEnvelope(QueueId id, long size) throws IOException {
        for (String state : QueueLayout.STATES) {
            try {
                EnvelopeFile envelope = EnvelopeFile.decode(Files.readAllBytes(layout.env(state, id)), id);
                if (envelope.size() == size) {
                    return Optional.of(state);
                }
            } catch (NoSuchFileException | CorruptQueueFileException e) {
                // Not here, or broken: look further.
            }
        }
        return Optional.empty();
    }

    private static boolean sameContent(Path file, byte[] expected) throws IOException {
        try {
            return Arrays.equals(Files.readAllBytes(file), expected);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void removeLeftovers(QueueId id) throws IOException {
        for (String state : QueueLayout.STATES) {
            Files.deleteIfExists(layout.env(state, id));
            Files.deleteIfExists(layout.env(state, id).resolveSibling(id.value() + QueueLayout.ENV + QueueLayout.NEW));
            Files.deleteIfExists(layout.msg(state, id));
        }
    }

    /** Writes {@code bytes} to {@code tmp/}, fsyncs, and renames over {@code target}. */
    private void replace(Path target, byte[] bytes) throws IOException {
        Path tmp = layout.tmp().resolve(target.getFileName());
        Files.deleteIfExists(tmp);
        QueueLayout.writeSynced(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Optional<String> stateOf(QueueLayout layout, QueueId id) {
        for (String state : QueueLayout.STATES) {
            if (Files.exists(layout.env(state, id))) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    private static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * The record of {@code length} payload bytes whose header starts at {@code at} in {@code view}
     * (a wrapped array), to the reader of segment {@code segment}.
     */
    private static JournalRecord.Validity validity(ByteBuffer view, int at, int length, long segment) {
        return JournalRecord.validity(view.getInt(at), view.getInt(at + 8),
                JournalRecord.crc(view.array(), at + JournalRecord.HEADER, length), segment);
    }

    /**
     * Whether a record of this segment lies somewhere after {@code from}: then the bad spot in
     * front of it is damage, not the end of what was written (behind which a recycled file holds
     * its earlier records, and a torn append leaves its bytes).
     */
    private static boolean validRecordAfter(byte[] bytes, int from, long segment) {
        ByteBuffer view = ByteBuffer.wrap(bytes);
        long budget = 4L * bytes.length; // bytes to CRC: record magics inside message bodies cannot make this quadratic
        for (int i = from; i + JournalRecord.HEADER <= bytes.length; i++) {
            int length = view.getInt(i + 4);
            if (!JournalRecord.isMagic(view.getInt(i)) || length < 0 || length > bytes.length - i - JournalRecord.HEADER) {
                continue;
            }
            budget -= length;
            if (budget < 0) {
                return true; // past the budget: reported as damage, which it may be
            }
            if (validity(view, i, length, segment) == JournalRecord.Validity.VALID) {
                return true;
            }
        }
        return false;
    }
}
