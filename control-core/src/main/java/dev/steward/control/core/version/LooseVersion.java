package dev.steward.control.core.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A vendor version that is not strict SemVer: {@code [v]N(.N)*[-PRERELEASE][+BUILD]}, for example
 * {@code 8.0.24.1}, {@code v2.3}, {@code 2024.03.1} or {@code v1.2.3-beta}.
 *
 * <p>Grammar (everything else is refused, with the reason):
 * <ul>
 *   <li>an optional {@code v} or {@code V}, nothing else before the first digit (no {@code =}, no
 *       spaces: those are npm range syntax, not version syntax);</li>
 *   <li>one to eight release numbers separated by dots, leading zeros allowed ({@code 2024.03} is
 *       a date-like version, compared as 2024.3);</li>
 *   <li>optional pre-release and build identifiers as in SemVer, except that numeric pre-release
 *       identifiers may have leading zeros (they compare numerically).</li>
 * </ul>
 *
 * <p>Precedence compares the release numbers numerically, missing numbers counting as zero (so
 * {@code v2.3} = {@code 2.3.0} = {@code 2.3.0.0}), then the pre-release part by SemVer §11.
 * {@link ChangeClassifier} classifies by the first three numbers; a rise in the fourth or a later
 * number is a patch.
 *
 * <p>Thread safety: immutable.
 *
 * @param text the version as written (kept for display)
 * @param release the release numbers, one to eight
 * @param preRelease the pre-release identifiers, empty for a release
 * @param build the build metadata identifiers, empty when absent
 */
public record LooseVersion(String text, List<BigInteger> release, List<String> preRelease, List<String> build)
        implements Version {

    /** The most release numbers a loose version may have. */
    public static final int MAX_NUMBERS = 8;

    /** Copies the lists and checks them as {@link #parse} would: 1 to 8 non-negative numbers, valid identifiers. */
    public LooseVersion {
        Objects.requireNonNull(text, "text");
        release = List.copyOf(release);
        preRelease = List.copyOf(preRelease);
        build = List.copyOf(build);
        if (release.isEmpty() || release.size() > MAX_NUMBERS) {
            throw new IllegalArgumentException("a loose version has 1 to " + MAX_NUMBERS + " release numbers");
        }
        if (release.stream().anyMatch(number -> number.signum() < 0)) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
        if (!preRelease.isEmpty()) {
            VersionText.identifiers(text, String.join(".", preRelease), "pre-release", true);
        }
        if (!build.isEmpty()) {
            VersionText.identifiers(text, String.join(".", build), "build metadata", true);
        }
    }

    /**
     * Parses a loose version.
     *
     * @throws InvalidVersionException naming the first rule the text breaks
     */
    public static LooseVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        VersionText.checkLength(text);
        VersionText.Parts split = VersionText.split(text, true);
        String rest = split.core();
        List<String> preRelease = split.preRelease();
        List<String> build = split.build();
        if (!rest.isEmpty() && (rest.charAt(0) == 'v' || rest.charAt(0) == 'V')) {
            rest = rest.substring(1);
        }
        if (rest.isEmpty()) {
            throw new InvalidVersionException(text, "missing release numbers (expected [v]N(.N)*)");
        }
        String[] parts = rest.split("\\.", -1);
        if (parts.length > MAX_NUMBERS) {
            throw new InvalidVersionException(text, "more than " + MAX_NUMBERS + " release numbers");
        }
        List<BigInteger> release = new ArrayList<>(parts.length);
        for (int index = 0; index < parts.length; index++) {
            String part = parts[index];
            if (part.isEmpty()) {
                throw new InvalidVersionException(text, "release number " + (index + 1) + " is empty (two dots in a row, or a dot at an end)");
            }
            if (!VersionText.isDigits(part)) {
                throw new InvalidVersionException(text, "release number " + (index + 1) + " \"" + part
                        + "\" is not a number (expected [v]N(.N)*[-PRERELEASE][+BUILD])");
            }
            release.add(new BigInteger(part));
        }
        return new LooseVersion(text, release, preRelease, build);
    }

    @Override
    public String toString() {
        return text;
    }
}
