/**
 * Queue administration for operators and scripts (Postfix {@code showq} / {@code postqueue}).
 *
 * <p><b>Role.</b> Renders the queue listing as {@code mailq} text and as JSON. Flush, hold,
 * release and delete, and the loopback HTTP admin API, come later.
 *
 * <p><b>Inputs/outputs.</b> In: the {@link dev.steward.relay.queue.QueueEntry} list from
 * {@link dev.steward.relay.queue.QueueStore#list}. Out: text in Postfix {@code mailq} layout, or
 * a JSON array (field names after Postfix {@code postqueue -j}).
 *
 * <p><b>Files/queues touched.</b> None here: the listing reads the queue directories read-only.
 *
 * <p><b>Strategy.</b> Pure formatting with an injected {@link java.time.ZoneId}: one entry per
 * message in arrival order, {@code *} after the id when active and {@code !} when on hold, the
 * undelivered recipients below the sender, the last failure reason in parentheses, and a total.
 *
 * <p><b>Failure handling.</b> Nothing to fail: every entry renders; an unreadable entry in
 * {@code corrupt/} shows its reason as the last failure.
 *
 * <p><b>Config keys.</b> {@code [queue] directory} (read by the caller).
 *
 * <p><b>Standards.</b> None; the text layout follows Postfix {@code showq} so operators' habits
 * and scripts carry over.
 *
 * <p><b>Security.</b> Addresses and failure texts come from SMTP clients and remote servers:
 * control characters are replaced by {@code ?} in the text output so a listing cannot forge
 * lines or terminal escapes; the JSON output escapes them. Queue files are 0600 and directories
 * 0700, so only the relay user (or root) can list the queue.
 */
package dev.steward.relay.admin;
