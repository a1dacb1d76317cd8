package dev.steward.control.core.release;

/**
 * Where a release came from.
 *
 * <p>Thread safety: immutable.
 */
public enum ReleaseSource {
    /** Registered by an operator (UI or API). */
    OPERATOR,
    /** Read from the application's release feed. */
    FEED
}
