package dev.steward.control.core.release;

import dev.steward.control.core.ControlException;
import java.util.Set;

/**
 * A release is not in a state that allows the asked change (approve a release that is already
 * planned, cancel one that is done), or another instance moved it first. Nothing was changed.
 *
 * <p>Thread safety: immutable.
 */
public final class ReleaseTransitionException extends ControlException {

    private final long releaseId;
    private final ReleaseState actual;

    /**
     * @param releaseId the release
     * @param action what was asked, e.g. {@code approve}
     * @param allowed the states the action is allowed in
     * @param actual the state found
     */
    public ReleaseTransitionException(long releaseId, String action, Set<ReleaseState> allowed, ReleaseState actual) {
        super("release " + releaseId + " cannot " + action + " when " + actual + " (only when " + allowed + ")");
        this.releaseId = releaseId;
        this.actual = actual;
    }

    /**
     * @param releaseId the release
     * @param refusal what cannot be done and why, e.g. {@code start the test stage: no test server}
     * @param actual the state found
     */
    public ReleaseTransitionException(long releaseId, String refusal, ReleaseState actual) {
        super("release " + releaseId + " cannot " + refusal);
        this.releaseId = releaseId;
        this.actual = actual;
    }

    /** The release. */
    public long releaseId() {
        return releaseId;
    }

    /** The state found. */
    public ReleaseState actual() {
        return actual;
    }
}
