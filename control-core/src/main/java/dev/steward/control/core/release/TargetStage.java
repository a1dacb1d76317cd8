package dev.steward.control.core.release;

/**
 * Which stage of a release a target belongs to (UPD-2).
 *
 * <p>Thread safety: immutable.
 */
public enum TargetStage {
    /** Stage 1: the application's test servers, right after registration. */
    TEST,
    /** Stage 2: every production server, in its customer's window. */
    PRODUCTION
}
