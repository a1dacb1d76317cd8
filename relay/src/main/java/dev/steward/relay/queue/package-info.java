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
 * tmp/              files being written; never fsynced; emptied at startup
 * incoming/         new messages, not yet seen by the queue manager
 * active/           messages being delivered; moved back to incoming/ at startup
 * deferred/         messages waiting for their next attempt
 * hold/             messages parked by an operator or after repeated crashes
 * corrupt/          unreadable messages moved aside at startup, kept for inspection
 * </pre>
 * A message is {@code ID.msg} (the RFC 5322 bytes, never changed after commit) plus {@code ID.env}
 * (envelope and per-recipient state, JSON with {@code "format": 1} first and {@code "end": true}
 * last; see {@code EnvelopeFile}). <b>The {@code .env} defines existence:</b> a message is queued
 * exactly when its {@code .env} is in a state directory. Moves between state directories rename
 * the {@code .msg} first and the {@code .env} last; state updates write {@code ID.env.new}, fsync,
 * and rename it over {@code ID.env} (maddy {@code updateMetadataOnDisk}).
 *
 * <p><b>Strategy.</b> Commit: write both files into {@code tmp/}, fsync each, rename the
 * {@code .msg} then the {@code .env} into {@code incoming/} ({@code ATOMIC_MOVE}), fsync
 * {@code incoming/}, return the id (Postfix {@code mail_stream_finish_file}). The directory fsync
 * is shared by group commit: fsyncs run one at a time, and every committer that arrives while one
 * runs is served by the single next one, so N concurrent sessions cost about two directory fsyncs
 * instead of N (file fsyncs stay per message). Queue ids are time-ordered, so sorting by id sorts
 * by arrival. Recovery at startup: empty {@code tmp/}, delete {@code *.env.new}, move
 * {@code active/*} back to {@code incoming/}, re-join or delete {@code .msg} files without an
 * {@code .env}, and move every message whose {@code .env} is unreadable, lacks the end marker, or
 * disagrees with its {@code .msg} size to {@code corrupt/}.
 *
 * <p><b>Failure handling.</b> Any I/O error in a commit removes the message's files from
 * {@code tmp/} and {@code incoming/} and throws {@code QueueWriteException}, which the intake
 * maps to {@code 452 4.3.1} when the disk or quota is full (ENOSPC, EDQUOT) and to
 * {@code 451 4.3.0} otherwise; it never replies 250 for a message that is not durable. A crash
 * after a failed commit's rename may bring that message back: a possible duplicate, never a loss.
 * Recovery logs one WARN line ({@code queue_corrupt}) per message moved to {@code corrupt/} and
 * never deletes a message that has a readable {@code .env}. The listing never modifies anything
 * and skips unreadable entries with one WARN ({@code queue_unreadable}) each. No INFO line per
 * commit: the intake logs {@code queued}.
 *
 * <p><b>Config keys.</b> {@code [queue] directory}.
 *
 * <p><b>Standards.</b> RFC 5321 §4.5.3 and §6.1 (a 250 after DATA takes responsibility for the
 * message); RFC 3463 §3.4 (4.3.0, 4.3.1); RFC 5322 (content of {@code ID.msg}).
 *
 * <p><b>Security.</b> Directories are created mode 0700 and files mode 0600, owned by the relay
 * user; nothing is world-readable. Envelope values come from SMTP clients and are stored as JSON
 * strings (escaped by Jackson), never interpreted; file names are made only from queue ids
 * ({@code [0-9A-Z]}), never from client input. POSIX file systems only (Linux: directory fsync).
 */
package dev.steward.relay.queue;
