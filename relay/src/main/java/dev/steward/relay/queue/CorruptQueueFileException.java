package dev.steward.relay.queue;

/** A queue file that cannot be read back; the message says why (it goes into the WARN line). */
final class CorruptQueueFileException extends Exception {

    private static final long serialVersionUID = 1L;

    CorruptQueueFileException(String reason) {
        super(reason);
    }

    CorruptQueueFileException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
