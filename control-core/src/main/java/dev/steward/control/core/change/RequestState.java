package dev.steward.control.core.change;

/**
 * The states of a package-change request; see {@link RequestStateMachine} for the transitions.
 *
 * <p>Thread safety: immutable.
 */
public enum RequestState {
    /** Asked for by a customer (or an operator on their behalf); waits for an operator. */
    REQUESTED,
    /** Approved by an operator; waits to be scheduled. */
    APPROVED,
    /** Refused by an operator, with a reason; final. */
    REFUSED,
    /** Planned for a moment; waits for the agent or the operator to carry it out. */
    SCHEDULED,
    /** Carried out; the server record shows the change; final. */
    DONE;

    /** Whether the request still waits for something (requested, approved or scheduled). */
    public boolean isOpen() {
        return this == REQUESTED || this == APPROVED || this == SCHEDULED;
    }
}
