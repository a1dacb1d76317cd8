package dev.steward.control.store;

import dev.steward.control.core.ControlException;

/**
 * An enrolment token that cannot be used: unknown, already used, or expired. Nothing was changed.
 *
 * <p>Thread safety: immutable.
 */
public final class EnrolmentRefusedException extends ControlException {

    /** Why the token was refused. */
    public enum Reason {
        /** No such token (never issued, mistyped, or its server was deleted). */
        UNKNOWN("the enrolment token is unknown"),
        /** The token was used before (each token enrols once). */
        USED("the enrolment token was already used; ask an operator for a new one"),
        /** The token's validity ran out. */
        EXPIRED("the enrolment token has expired; ask an operator for a new one");

        private final String message;

        Reason(String message) {
            this.message = message;
        }
    }

    private final Reason reason;

    /** @param reason why */
    public EnrolmentRefusedException(Reason reason) {
        super(reason.message);
        this.reason = reason;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }
}
