package dev.steward.control.core.release;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a release is in the pipeline (UPD-2..UPD-4):
 * {@code REGISTERED → TESTING → TEST_FAILED | SOAKING → PLANNED → ROLLING_OUT → DONE | HALTED};
 * {@code CANCELLED} by an operator at any point before a final state.
 *
 * <ul>
 *   <li>{@code REGISTERED}: the application has no test server; an operator starts the test stage
 *       later ({@code start-test}, once a test server exists) or approves the release untested.</li>
 *   <li>{@code TESTING}: jobs on the test servers are queued or running.</li>
 *   <li>{@code SOAKING}: every test server succeeded and reported healthy; the rollout is planned
 *       when the soak time has passed, or earlier when an operator approves.</li>
 *   <li>{@code PLANNED}: production targets are in their windows and the notices are out.</li>
 * </ul>
 *
 * <p>Thread safety: immutable.
 */
public enum ReleaseState {
    /** Registered, no test stage running (no test server yet). */
    REGISTERED,
    /** Installing on the test servers. */
    TESTING,
    /** A test server failed; nothing goes to production. */
    TEST_FAILED,
    /** Green on the test servers; waiting for the soak time (or an operator's approval). */
    SOAKING,
    /** The rollout is planned and the notices are sent. */
    PLANNED,
    /** Production jobs are running (the executor's state). */
    ROLLING_OUT,
    /** Every production target finished. */
    DONE,
    /** Stopped by the failure budget (the executor's state). */
    HALTED,
    /** Withdrawn by an operator. */
    CANCELLED;

    /** @return true for the states a release never leaves */
    public boolean isFinal() {
        return this == TEST_FAILED || this == DONE || this == HALTED || this == CANCELLED;
    }

    /** @return the states an operator may approve from (skipping or ending the test stage's wait) */
    public static Set<ReleaseState> approvable() {
        return EnumSet.of(REGISTERED, SOAKING);
    }

    /** @return the states an operator may cancel from */
    public static Set<ReleaseState> cancellable() {
        return EnumSet.of(REGISTERED, TESTING, SOAKING, PLANNED, ROLLING_OUT);
    }
}
