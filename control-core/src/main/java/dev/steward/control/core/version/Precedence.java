package dev.steward.control.core.version;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;

/**
 * Version precedence, SemVer 2.0.0 §11, for both schemes.
 *
 * <ol>
 *   <li>Release numbers compare numerically, left to right; a missing number counts as zero
 *       (only loose versions can have fewer or more than three).</li>
 *   <li>With equal release numbers, a version without pre-release identifiers is higher than one
 *       with them ({@code 1.0.0-alpha < 1.0.0}).</li>
 *   <li>Pre-release identifiers compare left to right: numeric identifiers numerically, others in
 *       ASCII order, a numeric identifier is lower than a non-numeric one, and when all shared
 *       identifiers are equal the longer list is higher.</li>
 *   <li>Build metadata is ignored (§10): {@code 1.0.0+a} and {@code 1.0.0+b} have equal precedence.</li>
 * </ol>
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class Precedence {

    /** Orders versions by precedence; inconsistent with {@code equals} (build metadata). */
    public static final Comparator<Version> ORDER = Precedence::compare;

    private Precedence() {
    }

    /**
     * @return -1, 0 or 1 as {@code left} has lower, equal or higher precedence than {@code right}
     */
    public static int compare(Version left, Version right) {
        int size = Math.max(left.release().size(), right.release().size());
        for (int index = 0; index < size; index++) {
            int order = left.releaseNumber(index).compareTo(right.releaseNumber(index));
            if (order != 0) {
                return Integer.signum(order);
            }
        }
        return comparePreRelease(left.preRelease(), right.preRelease());
    }

    private static int comparePreRelease(List<String> left, List<String> right) {
        if (left.isEmpty() || right.isEmpty()) {
            // §11.3: a release (no identifiers) outranks any of its pre-releases.
            return Boolean.compare(left.isEmpty(), right.isEmpty());
        }
        int shared = Math.min(left.size(), right.size());
        for (int index = 0; index < shared; index++) {
            int order = compareIdentifier(left.get(index), right.get(index));
            if (order != 0) {
                return order;
            }
        }
        return Integer.signum(Integer.compare(left.size(), right.size()));
    }

    private static int compareIdentifier(String left, String right) {
        boolean leftNumeric = VersionText.isDigits(left);
        boolean rightNumeric = VersionText.isDigits(right);
        if (leftNumeric && rightNumeric) {
            return Integer.signum(new BigInteger(left).compareTo(new BigInteger(right)));
        }
        if (leftNumeric != rightNumeric) {
            return leftNumeric ? -1 : 1;
        }
        return Integer.signum(left.compareTo(right));
    }
}
