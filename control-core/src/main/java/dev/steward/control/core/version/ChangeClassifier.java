package dev.steward.control.core.version;

/**
 * Classifies an update FROM → TO (UPD-1), and decides how it is announced.
 *
 * <p><b>Raw class</b> ({@link #classify}):
 * <ul>
 *   <li>{@code NONE} when TO does not have higher precedence than FROM: equal precedence (even if
 *       the build metadata differs, §10) or a downgrade. A downgrade is never an "update" class; the
 *       rollout planner refuses or handles it separately.</li>
 *   <li>otherwise the first release number that differs decides: index 0 {@code MAJOR}, index 1
 *       {@code MINOR}, index 2 {@code PATCH}; a loose version's fourth or later number
 *       {@code PATCH} ("classified by the first three"), missing numbers counting as zero;</li>
 *   <li>{@code PRERELEASE} when the release numbers are equal and only the pre-release part rises,
 *       including pre-release → its release ({@code 1.0.0-rc.1 → 1.0.0}).</li>
 * </ul>
 * Note that node-semver's {@code diff()} calls {@code 1.0.0-rc.1 → 1.0.0} "major": it names the
 * release being reached. Steward names the element that rose (UPD-1), and nothing in
 * {@code 1.0.0} rose; the announcement below is what keeps such an update from going out silently.
 * A rise that also enters a pre-release ({@code 1.2.3 → 1.3.0-beta}) is classified by the numbers
 * ({@code MINOR}).
 *
 * <p><b>Announce as</b> ({@link #announce}): the raw class, except {@code MINOR} from a FROM whose
 * major number is 0 (the 0.y.z rule) and {@code PRERELEASE} are announced as {@code MAJOR}; see
 * {@link Classification}. A {@code 0.y.z} patch stays a patch: the 0.y.z rule in the brief covers
 * minor bumps only, and the common convention (npm and Cargo carets for 0.y ≥ 1) treats
 * 0.y.z patches as compatible.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class ChangeClassifier {

    private ChangeClassifier() {
    }

    /** @return the raw change class of the update {@code from → to} */
    public static ChangeClass classify(Version from, Version to) {
        if (Precedence.compare(to, from) <= 0) {
            return ChangeClass.NONE;
        }
        int size = Math.max(from.release().size(), to.release().size());
        for (int index = 0; index < size; index++) {
            if (!from.releaseNumber(index).equals(to.releaseNumber(index))) {
                return switch (index) {
                    case 0 -> ChangeClass.MAJOR;
                    case 1 -> ChangeClass.MINOR;
                    default -> ChangeClass.PATCH;
                };
            }
        }
        return ChangeClass.PRERELEASE;
    }

    /** @return the raw class and the class the update is announced as */
    public static Classification announce(Version from, Version to) {
        ChangeClass change = classify(from, to);
        ChangeClass announceAs = switch (change) {
            case MINOR -> from.releaseNumber(0).signum() == 0 ? ChangeClass.MAJOR : ChangeClass.MINOR;
            case PRERELEASE -> ChangeClass.MAJOR;
            case MAJOR, PATCH, NONE -> change;
        };
        return new Classification(change, announceAs);
    }
}
