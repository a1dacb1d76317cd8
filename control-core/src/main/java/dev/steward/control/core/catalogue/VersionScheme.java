package dev.steward.control.core.catalogue;

/**
 * How an application numbers its releases (UPD-1).
 *
 * <p>Thread safety: immutable.
 */
public enum VersionScheme {
    /** Strict MAJOR.MINOR.PATCH per semver.org. */
    SEMVER,
    /** Dotted numbers that do not follow semver strictly (e.g. {@code 8.1}, {@code 2024.3.1.2}). */
    LOOSE
}
