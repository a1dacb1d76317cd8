package dev.steward.control.core.change;

/**
 * What can be done to a package-change request, each from exactly one state to one state.
 *
 * <p>Thread safety: immutable.
 */
public enum RequestAction {
    /** REQUESTED → APPROVED, by an operator. */
    APPROVE(RequestState.REQUESTED, RequestState.APPROVED),
    /** REQUESTED → REFUSED, by an operator, with a reason. */
    REFUSE(RequestState.REQUESTED, RequestState.REFUSED),
    /** APPROVED → SCHEDULED, by an operator or the control plane's scheduler. */
    SCHEDULE(RequestState.APPROVED, RequestState.SCHEDULED),
    /** SCHEDULED → DONE, by the operator or the agent that carried it out. */
    COMPLETE(RequestState.SCHEDULED, RequestState.DONE);

    private final RequestState from;
    private final RequestState to;

    RequestAction(RequestState from, RequestState to) {
        this.from = from;
        this.to = to;
    }

    /** The only state this action applies to. */
    public RequestState from() {
        return from;
    }

    /** The state it leads to. */
    public RequestState to() {
        return to;
    }
}
