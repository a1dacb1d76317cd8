package dev.steward.control.core.change;

import dev.steward.control.core.ControlException;

/**
 * A package change the rules do not allow for the server as it is now, e.g. a downgrade after a
 * storage upgrade.
 *
 * <p>Thread safety: immutable.
 */
public final class PackageChangeRefusedException extends ControlException {

    private final transient Decision.Refused refusal;

    /**
     * @param kind the change that was asked for
     * @param refusal the rule's refusal, with its code and reasons
     */
    public PackageChangeRefusedException(PackageChangeKind kind, Decision.Refused refusal) {
        super(kind.code() + " refused: " + refusal.reason().en());
        this.refusal = refusal;
    }

    /** The refusal: code and reason in both languages. */
    public Decision.Refused refusal() {
        return refusal;
    }
}
