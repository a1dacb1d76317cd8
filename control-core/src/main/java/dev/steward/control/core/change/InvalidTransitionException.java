package dev.steward.control.core.change;

import dev.steward.control.core.ControlException;

/**
 * An action that the request state machine does not allow: from the wrong state, or by the wrong
 * sort of actor.
 *
 * <p>Thread safety: immutable.
 */
public final class InvalidTransitionException extends ControlException {

    private final transient Decision.Refused refusal;

    /** @param refusal the state machine's refusal, with its code and reasons */
    public InvalidTransitionException(Decision.Refused refusal) {
        super(refusal.reason().en());
        this.refusal = refusal;
    }

    /** The refusal: code and reason in both languages. */
    public Decision.Refused refusal() {
        return refusal;
    }
}
