package dev.steward.control.core.version;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * A strict Semantic Versioning 2.0.0 version: {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, as
 * the spec's grammar (semver.org, "Backus–Naur Form Grammar") defines it, with no {@code v} prefix,
 * no spaces and no leading zeros in numeric parts.
 *
 * <p>Numbers have no upper bound (the spec sets none, and semver.org's own list of valid versions
 * contains {@code 99999999999999999999999.999999999999999999.99999999999999999}); the whole text is
 * limited to 256 characters so untrusted input stays bounded.
 *
 * <p>{@code equals} compares every part including build metadata; precedence, which ignores build
 * metadata (§10), is {@link Precedence#compare(Version, Version)}.
 *
 * <p>Thread safety: immutable.
 *
 * @param major the major number
 * @param minor the minor number
 * @param patch the patch number
 * @param preRelease the pre-release identifiers, empty for a release
 * @param build the build metadata identifiers, empty when absent
 */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, List<String> build)
        implements Version {

    /** Validates the parts: non-negative numbers and identifiers that {@link #parse} would accept. */
    public SemVer {
        Objects.requireNonNull(major, "major");
        Objects.requireNonNull(minor, "minor");
        Objects.requireNonNull(patch, "patch");
        if (major.signum() < 0 || minor.signum() < 0 || patch.signum() < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
        preRelease = List.copyOf(preRelease);
        build = List.copyOf(build);
        String text = format(major, minor, patch, preRelease, build);
        if (!preRelease.isEmpty()) {
            VersionText.identifiers(text, String.join(".", preRelease), "pre-release", false);
        }
        if (!build.isEmpty()) {
            VersionText.identifiers(text, String.join(".", build), "build metadata", true);
        }
    }

    /** A release version without pre-release or build parts. */
    public static SemVer of(long major, long minor, long patch) {
        return new SemVer(BigInteger.valueOf(major), BigInteger.valueOf(minor), BigInteger.valueOf(patch), List.of(), List.of());
    }

    /**
     * Parses a strict SemVer 2.0.0 version.
     *
     * @throws InvalidVersionException naming the first rule the text breaks
     */
    public static SemVer parse(String text) {
        Objects.requireNonNull(text, "text");
        VersionText.checkLength(text);
        if (text.charAt(0) == 'v' || text.charAt(0) == 'V') {
            throw new InvalidVersionException(text, "a 'v' prefix is not part of SemVer 2.0.0 (the loose scheme accepts it)");
        }
        VersionText.Parts parts = VersionText.split(text, false);
        String rest = parts.core();
        List<String> preRelease = parts.preRelease();
        List<String> build = parts.build();
        if (rest.isEmpty()) {
            throw new InvalidVersionException(text, "missing MAJOR.MINOR.PATCH");
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) {
            throw new InvalidVersionException(text, "expected MAJOR.MINOR.PATCH (three numbers separated by dots), found "
                    + core.length + (core.length == 1 ? " part" : " parts") + " in \"" + shortened(rest) + "\"");
        }
        return new SemVer(
                VersionText.number(text, core[0], "major", false),
                VersionText.number(text, core[1], "minor", false),
                VersionText.number(text, core[2], "patch", false),
                preRelease, build);
    }

    @Override
    public List<BigInteger> release() {
        return List.of(major, minor, patch);
    }

    @Override
    public String text() {
        return format(major, minor, patch, preRelease, build);
    }

    @Override
    public String toString() {
        return text();
    }

    private static String format(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, List<String> build) {
        StringBuilder text = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!preRelease.isEmpty()) {
            text.append('-').append(String.join(".", preRelease));
        }
        if (!build.isEmpty()) {
            text.append('+').append(String.join(".", build));
        }
        return text.toString();
    }

    private static String shortened(String text) {
        return text.length() <= 40 ? text : text.substring(0, 39) + "…";
    }
}
