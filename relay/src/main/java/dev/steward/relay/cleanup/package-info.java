/**
 * Cleanup: between the intake and the queue (Postfix cleanup).
 *
 * <p><b>Role.</b> Check the header From against the sender policy (MAIL-2), add the headers every
 * message must carry, and commit the message durably before the intake answers 250.
 *
 * <p><b>Inputs/outputs.</b> A {@link dev.steward.relay.intake.ReceivedMessage}; out: the SMTP reply
 * for the end of DATA, and one {@code queued} log line per stored message.
 *
 * <p><b>Files/queues touched.</b> Writes through {@link dev.steward.relay.queue.QueueStore#commit}.
 *
 * <p><b>Strategy.</b> Parse the header section once; refuse a missing, repeated or unparsable From
 * or any From mailbox outside the app domains; prepend {@code Received:}, add {@code Message-ID:} and
 * {@code Date:} when absent; never change the application's bytes otherwise.
 *
 * <p><b>Failure handling.</b> Disk full answers 452 4.3.1, other queue I/O errors 451 4.3.0; never
 * 250 without the message on disk.
 *
 * <p><b>Config keys.</b> {@code [server] hostname}, {@code [intake] app_domains}.
 *
 * <p><b>Standards.</b> RFC 5321 §4.4 (Received), RFC 5322 §3.6 (From, Date, Message-ID), RFC 6532.
 *
 * <p><b>Security.</b> Header content is untrusted: the From parser takes the addr-spec, never the
 * display name; HELO names are sanitised before they go into Received.
 */
package dev.steward.relay.cleanup;
