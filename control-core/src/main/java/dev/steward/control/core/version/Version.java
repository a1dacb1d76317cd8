package dev.steward.control.core.version;

import dev.steward.control.core.catalogue.VersionScheme;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * A parsed version of either scheme. Both schemes reduce to the same comparable shape: release
 * numbers (three for {@link SemVer}, one or more for {@link LooseVersion}), pre-release
 * identifiers and build metadata; {@link Precedence} orders any two of them.
 *
 * <p>Thread safety: implementations are immutable.
 */
public sealed interface Version permits SemVer, LooseVersion {

    /**
     * Parses {@code text} under {@code scheme}: {@link SemVer#parse} or {@link LooseVersion#parse}.
     *
     * @throws InvalidVersionException naming the rule the text breaks
     */
    static Version parse(VersionScheme scheme, String text) {
        Objects.requireNonNull(scheme, "scheme");
        return switch (scheme) {
            case SEMVER -> SemVer.parse(text);
            case LOOSE -> LooseVersion.parse(text);
        };
    }

    /** @return the release numbers, most significant first (never empty) */
    List<BigInteger> release();

    /** @return the pre-release identifiers (empty for a release) */
    List<String> preRelease();

    /** @return the build metadata identifiers; never part of precedence */
    List<String> build();

    /** @return the version as it was written (for {@code SemVer}, also its canonical form) */
    String text();

    /** @return true when this version has pre-release identifiers */
    default boolean isPreRelease() {
        return !preRelease().isEmpty();
    }

    /** @return the release number at {@code index}, zero when the version has fewer numbers */
    default BigInteger releaseNumber(int index) {
        return index < release().size() ? release().get(index) : BigInteger.ZERO;
    }
}
