package dev.steward.control.web.notify;

/** A maintenance notice that the relay did not accept; the message says why, for the rollout plan. */
public final class NoticeNotSentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason why, in words an operator can act on */
    public NoticeNotSentException(String reason) {
        super(reason);
    }

    /** @param reason why; @param cause the underlying failure */
    public NoticeNotSentException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
