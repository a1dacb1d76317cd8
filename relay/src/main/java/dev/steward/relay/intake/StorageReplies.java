package dev.steward.relay.intake;

import dev.steward.smtp.wire.SmtpReply;

/**
 * The one wording of "could not store the message": 452 4.3.1 when the disk or quota is full,
 * 451 4.3.0 for any other local error (RFC 3463 §3.4). Never a path or an errno: those go to
 * the log (STYLE.md B5.6).
 */
public final class StorageReplies {

    private StorageReplies() {
    }

    public static SmtpReply failure(boolean diskFull) {
        return diskFull
                ? SmtpReply.of(452, "4.3.1", "Insufficient system storage, try again later")
                : SmtpReply.of(451, "4.3.0", "Local error in processing, try again later");
    }
}
