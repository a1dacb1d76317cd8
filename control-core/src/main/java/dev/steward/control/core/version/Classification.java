package dev.steward.control.core.version;

import java.util.Objects;

/**
 * The outcome of classifying an update: the raw {@link ChangeClass} (what the numbers say) and the
 * class the update is <em>announced as</em> to customers (what the notice rules act on).
 *
 * <p>The two differ in two cases, both because the version carries no compatibility promise:
 * <ul>
 *   <li>the 0.y.z rule: a minor update from a {@code 0.y.z} version is announced as major
 *       (semver.org §4: "Anything MAY change at any time" before 1.0.0);</li>
 *   <li>a pre-release update ({@code 2.0.0-rc.1 → 2.0.0-rc.2}, {@code 2.0.0-rc.1 → 2.0.0}) is
 *       announced as major (§9: a pre-release "might not satisfy the intended compatibility
 *       requirements").</li>
 * </ul>
 *
 * <p>Thread safety: immutable.
 *
 * @param change the raw class
 * @param announceAs the class the customer notice uses
 */
public record Classification(ChangeClass change, ChangeClass announceAs) {

    /** Both non-null; {@code NONE} only together with {@code NONE}. */
    public Classification {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(announceAs, "announceAs");
        if ((change == ChangeClass.NONE) != (announceAs == ChangeClass.NONE)) {
            throw new IllegalArgumentException("only a non-update is announced as none");
        }
    }

    /** @return true when customers must be told a week ahead (UPD-3): announced as major or minor */
    public boolean needsNotice() {
        return announceAs == ChangeClass.MAJOR || announceAs == ChangeClass.MINOR;
    }
}
