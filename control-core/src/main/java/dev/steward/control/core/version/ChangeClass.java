package dev.steward.control.core.version;

import java.util.Locale;

/**
 * What kind of update going from one version to another is (UPD-1): the highest element of the
 * release numbers that rises.
 *
 * <p>Thread safety: immutable.
 */
public enum ChangeClass {
    /** The major number rises: possibly incompatible, may need configuration changes. */
    MAJOR,
    /** The minor number rises (major equal): compatible additions. */
    MINOR,
    /** The patch number rises (major and minor equal), or in the loose scheme any later number. */
    PATCH,
    /** The release numbers are equal and only the pre-release part rises (including to the release itself). */
    PRERELEASE,
    /** Not an update: equal precedence (for example only build metadata differs) or a downgrade. */
    NONE;

    /** @return the lower-case word the CLI prints: {@code major}, {@code minor}, … */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
