/**
 * The durable mail queue on disk (Postfix {@code global/mail_queue}, {@code cleanup}'s commit,
 * and {@code qmgr_post_init}'s startup repair).
 *
 * <p><b>Role.</b> Owns the queue directories: commits each accepted message so that it survives
 * any crash before the intake says {@code 250}, repairs the directories at startup, and lists what
 * is queued for {@code mailq}. Scheduling and delivery ({@code QueueManager}, {@code RetrySchedule})
 * come later and will move files between the state directories with the same discipline.
 *
 * <p><b>Inputs/outputs.</b> In: a {@link dev.steward.relay.queue.NewMessage} envelope and the
 * final message bytes as {@link dev.steward.relay.queue.MessageContent}. Out: a
 * {@link dev.steward.relay.queue.QueueId} once the message is durable, or a
 * {@link dev.steward.relay.queue.QueueWriteException}; a
 * {@link dev.steward.relay.queue.RecoveryReport} from {@code open}; a list of
 * {@link dev.steward.relay.queue.QueueEntry} from {@code list}.
 *
 * <p><b>Files/queues touched.</b> Under {@code [queue] directory}:
 * <pre>
 * lock              exclusive lock of the running relay (one process per queue)
 * journal/          intake journal segments 00000001.wal ... (messages live here first, see
 *                   Strategy); empty after a clean stop
 * tmp/              files being written; never fsynced; emptied at startup. Also the journal's
 *                   spare segment (journal-segment.spare: a checkpointed segment's file kept
 *                   for it, journal-segment.recycled, or else a new file zero-filled to twice
 *                   what the last segment held, 64 KiB to 16 MiB, and fsynced), made ahead by the
 *                   checkpointer and renamed into journal/ when a segment is begun (no file is
 *                   created on the intake's event loop, and appends overwrite blocks the file
 *                   has); both removed at a clean stop
 * incoming/         new messages, not yet seen by the queue manager
 * active/           messages being delivered; moved back to incoming/ at startup
 * deferred/         messages waiting for their next attempt
 * hold/             messages parked by an operator or after repeated crashes
 * corrupt/          unreadable messages moved aside at startup, kept for inspection
 * </pre>
 * A message is {@code ID.msg} (the RFC 5322 bytes, never changed after commit) plus {@code ID.env}
 * (envelope and per-recipient state, JSON with {@code "format": 1} first and {@code "end": true}
 * last; see {@code EnvelopeFile}). <b>The {@code .env} defines existence:</b> a message is queued
 * exactly when its {@code .env} is in a state directory (after startup recovery). Moves between
 * state directories rename the {@code .msg} first and the {@code .env} last; state updates write
 * {@code ID.env.new}, fsync, and rename it over {@code ID.env} (maddy {@code updateMetadataOnDisk}).
 * A journal segment is a sequence of records, each {@code magic | payload length | check} and a
 * payload of a kind ({@code MESSAGE}, {@code STATE}, {@code CANCEL}), the queue id, the
 * {@code .env} bytes and the {@code .msg} bytes; the check is the payload's CRC32C sealed with
 * the segment's number, so that the records a recycled file still holds behind the new ones
 * never pass for the new segment's (see {@code JournalRecord}).
 *
 * <p><b>Strategy.</b> Commit of a message up to 1 MiB ({@code IntakeJournal}, the common case):
 * append one record to the current journal segment (appends are serialized), then wait until it
 * is durable. Group commit, leader/follower: a committer that finds no fsync running becomes the
 * leader, notes the journal's end, calls {@code fdatasync} once and wakes every committer whose
 * record ends before the noted position; the others wait on a condition. One fsync thus
 * acknowledges everything appended before it started, so N concurrent sessions cost about one
 * device round trip instead of 3N. The intake's event loop does not wait: it appends
 * ({@code QueueStore.commitAsync}) and the journal's sync thread leads the force for it, then
 * runs the callbacks of every record that force covered ({@code IntakeJournal.whenDurable}). <b>Nothing else is written</b>: the message lives in the
 * journal (an in-memory index says where its bytes and its newest {@code .env} are) until it is
 * removed or checkpointed. A state change of such a message appends a {@code STATE} record (the
 * new {@code .env} and its state directory), its removal (delivered, bounced, deleted) a
 * {@code CANCEL} record, both durable by the same group commit before the call returns, except
 * the removal of a message that has left (delivered, or bounced with its bounce queued): its
 * record is written but not waited for, and the next fsync takes it along ({@code removeDelivered};
 * a machine crash before that fsync means a second delivery, never a loss). The
 * checkpointer (one thread) closes the current segment every 30 s or at 16 MiB and takes the
 * closed segments oldest first: one in which no message is queued any more is deleted; one that
 * still holds queued messages is kept for up to 10 minutes (a deferred message is retried after
 * about 5) and while the closed segments hold at most 48 MiB, and then {@code ID.msg} and
 * {@code ID.env} of every message from it that is still queued are written into its state
 * directory and fsynced with the directories, and the segment is deleted (or its file kept in
 * {@code tmp/} for the next spare, when no reader has it open) and {@code journal/} fsynced. Segments go strictly in order (a younger one may hold the cancel record or newest
 * state of a message in an older one). A message delivered within minutes, the normal case of
 * a relay, is thus never written anywhere but the journal. Once in files, a message is changed the file way:
 * {@code .env.new}, fsync, rename, and for a state change the {@code .msg} then the {@code .env}
 * renamed into the new directory, which is then fsynced. Larger messages take the direct path:
 * write both files into {@code tmp/}, fsync each, rename the {@code .msg} then the {@code .env}
 * into {@code incoming/} ({@code ATOMIC_MOVE}), fsync {@code incoming/} (shared between concurrent
 * committers by {@code DirectorySync}), return the id (Postfix {@code mail_stream_finish_file}).
 * Queue ids are time-ordered, so sorting by id sorts by arrival.
 *
 * <p>Recovery at startup: first replay the journal ({@code JournalReplay}): for every whole,
 * CRC-correct {@code MESSAGE} record not followed by a {@code CANCEL} record, write its files from
 * the record and the newest {@code STATE} record unless they are intact on disk (a decodable
 * {@code .env} in a state directory and a {@code .msg} with exactly the record's bytes; on ext4
 * without a journal a crash can leave a file with its new size but zero-filled blocks). Intact
 * files are kept: they are never older than the journal's state. Then fsync and delete all
 * segments. On a full disk (ENOSPC or EDQUOT while writing those files) the segments are kept
 * instead: their queued messages live in the journal, served and checkpointed like just committed
 * ones, leftovers of their files are removed, and one WARN line ({@code queue_journal_kept}) says
 * so; the relay starts, answers 452 to new mail, and delivering frees the space. Then empty {@code tmp/}, delete {@code *.env.new}, move {@code active/*} back to
 * {@code incoming/}, re-join or delete {@code .msg} files without an {@code .env}, and move every
 * message whose {@code .env} is unreadable, lacks the end marker, or disagrees with its
 * {@code .msg} size to {@code corrupt/}.
 *
 * <p>Listing ({@code mailq}) and reading a message next to a running relay read the journal
 * segments first, then the state directories: a message the checkpointer moves meanwhile is seen
 * in one place or both (files win), never in neither. A removal whose cancel record is lost in a
 * crash brings the message back: at-least-once delivery, never a loss.
 *
 * <p><b>Failure handling.</b> Any I/O error in a commit removes the message's files and throws
 * {@code QueueWriteException}, which the intake maps to {@code 452 4.3.1} when the disk or quota is
 * full (ENOSPC, EDQUOT) and to {@code 451 4.3.0} otherwise; it never replies 250 for a message that
 * is not durable. A failed journal append truncates the segment back to the record's start, so no
 * later record follows a partial one (if that fails too, the segment is closed and the next append
 * starts a new one). A failed journal fsync fails every commit it would have acknowledged and
 * closes the segment (after an fsync error the page cache is in an unknown state). If the files
 * cannot be written after the record is durable, the commit fails and a best-effort cancel record
 * tells replay not to bring the message back; if that record is lost in a crash, the client that
 * got a 451/452 may see its message queued anyway: a possible duplicate, never a loss (the same
 * holds for the direct path after its rename). A failed checkpoint keeps its segment and retries
 * at the next interval; the files it wrote are fsynced before any segment is deleted. A delivered
 * message whose cancel record cannot be written (a full disk) is removed all the same, with a WARN
 * ({@code queue_cancel_unwritten}); an operator's delete then fails and the message stays. Replay ignores a torn or zero-filled tail (a crash during an append,
 * never acknowledged) and a recycled file's records of an earlier segment; a damaged record
 * followed by a record of the segment is logged once per segment at WARN
 * ({@code queue_journal_damaged}) and the rest of that segment is not read. Recovery logs one WARN
 * line ({@code queue_corrupt}) per message moved to {@code corrupt/} and never deletes a message
 * that has a readable {@code .env}. The listing never modifies anything and skips unreadable
 * entries with one WARN ({@code queue_unreadable}) each. No INFO line per commit: the intake logs
 * {@code queued}.
 *
 * <p><b>Config keys.</b> {@code [queue] directory}. The checkpoint interval (30 s), segment size
 * (16 MiB, so that replay can hold a segment in the relay's 64 MiB heap) and journal threshold
 * (1 MiB) are constants for now ({@code QueueStore.open} takes the
 * interval for tests and the benchmark).
 *
 * <p><b>Standards.</b> RFC 5321 §4.5.3 and §6.1 (a 250 after DATA takes responsibility for the
 * message); RFC 3463 §3.4 (4.3.0, 4.3.1); RFC 5322 (content of {@code ID.msg}).
 *
 * <p><b>Security.</b> Directories are created mode 0700 and files mode 0600, owned by the relay
 * user; nothing is world-readable. Envelope values come from SMTP clients and are stored as JSON
 * strings (escaped by Jackson), never interpreted; file names are made only from queue ids
 * ({@code [0-9A-Z]}), never from client input. Journal records carry client bytes too; replay
 * trusts a record only at the position where the previous one ended and with a matching CRC, and
 * never scans for a record magic (a client could embed a fake record in a message body). POSIX
 * file systems only (Linux: directory fsync).
 */
package dev.steward.relay.queue;
