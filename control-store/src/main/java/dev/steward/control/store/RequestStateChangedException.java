package dev.steward.control.store;

import dev.steward.control.core.ControlException;
import dev.steward.control.core.change.RequestState;

/**
 * A package-change request moved on between reading it and changing it: another operator or
 * another control-plane instance applied a transition first. The loser's change is not applied.
 *
 * <p>Thread safety: immutable.
 */
public final class RequestStateChangedException extends ControlException {

    private final long requestId;
    private final RequestState expected;
    private final RequestState actual;

    /**
     * @param requestId the request
     * @param expected the state the change was based on
     * @param actual the state found afterwards
     */
    public RequestStateChangedException(long requestId, RequestState expected, RequestState actual) {
        super("package change " + requestId + " is no longer " + expected + " (now " + actual
                + "): someone else changed it first");
        this.requestId = requestId;
        this.expected = expected;
        this.actual = actual;
    }

    /** The request. */
    public long requestId() {
        return requestId;
    }

    /** The state the change was based on. */
    public RequestState expected() {
        return expected;
    }

    /** The state found when the conditional update matched nothing. */
    public RequestState actual() {
        return actual;
    }
}
