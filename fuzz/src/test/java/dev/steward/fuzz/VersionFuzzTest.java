package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.control.core.version.InvalidVersionException;
import dev.steward.control.core.version.LooseVersion;
import dev.steward.control.core.version.Precedence;
import dev.steward.control.core.version.SemVer;
import dev.steward.control.core.version.Version;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link SemVer#parse}, {@link LooseVersion#parse} and {@link Precedence#compare}.
 *
 * <p>Input: UTF-8 text, up to three versions separated by LF (the committed seeds are readable
 * version lists). Properties, for every version that parses:
 * <ul>
 *   <li>the only exception either parser throws is {@link InvalidVersionException};</li>
 *   <li>a strict version is its own canonical text ({@code parse(t).text().equals(t)}) and
 *       {@code parse(v.text())} equals {@code v}; a loose version keeps its text as written;</li>
 *   <li>strict SemVer is a subset of the loose scheme, with the same precedence;</li>
 *   <li>precedence is -1, 0 or 1, antisymmetric, reflexive, transitive over the three versions,
 *       and consistent with {@code equals}: for strict versions it is 0 exactly when the versions
 *       are equal apart from build metadata; for loose ones exactly when the release numbers are
 *       equal after padding with zeros and the pre-release identifiers are equal (numeric ones by
 *       value).</li>
 * </ul>
 */
class VersionFuzzTest {

    @FuzzTest
    void versions(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<Version> strict = new ArrayList<>();
        List<Version> loose = new ArrayList<>();
        String[] lines = text.split("\n", 4);
        for (int i = 0; i < Math.min(lines.length, 3); i++) {
            SemVer semVer = parseStrict(lines[i]);
            LooseVersion looseVersion = parseLoose(lines[i]);
            if (semVer != null) {
                assertThat(looseVersion).as("strict SemVer %s must also be a loose version", lines[i]).isNotNull();
                assertThat(Precedence.compare(semVer, looseVersion)).isZero();
                assertThat(Precedence.compare(looseVersion, semVer)).isZero();
                strict.add(semVer);
            }
            if (looseVersion != null) {
                loose.add(looseVersion);
            }
        }
        checkOrder(strict, true);
        checkOrder(loose, false);
        List<Version> mixed = new ArrayList<>(strict);
        mixed.addAll(loose);
        checkOrder(mixed, false);
    }

    private static SemVer parseStrict(String text) {
        SemVer version;
        try {
            version = SemVer.parse(text);
        } catch (InvalidVersionException invalid) {
            assertThat(invalid.reason()).isNotBlank();
            return null;
        }
        assertThat(version.text()).isEqualTo(text);
        assertThat(SemVer.parse(version.text())).isEqualTo(version);
        assertThat(new SemVer(version.major(), version.minor(), version.patch(), version.preRelease(), version.build()))
                .isEqualTo(version);
        return version;
    }

    private static LooseVersion parseLoose(String text) {
        LooseVersion version;
        try {
            version = LooseVersion.parse(text);
        } catch (InvalidVersionException invalid) {
            assertThat(invalid.reason()).isNotBlank();
            return null;
        }
        assertThat(version.text()).isEqualTo(text);
        assertThat(version.release()).isNotEmpty().hasSizeLessThanOrEqualTo(LooseVersion.MAX_NUMBERS);
        assertThat(LooseVersion.parse(version.text())).isEqualTo(version);
        return version;
    }

    private static void checkOrder(List<Version> versions, boolean strict) {
        for (Version a : versions) {
            for (Version b : versions) {
                int ab = Precedence.compare(a, b);
                assertThat(ab).isBetween(-1, 1);
                assertThat(Precedence.compare(b, a)).as("antisymmetry of %s and %s", a, b).isEqualTo(-ab);
                if (a.equals(b)) {
                    assertThat(ab).as("%s equals %s", a, b).isZero();
                }
                assertThat(ab == 0).as("precedence of %s and %s is 0 exactly when they are equal apart from build", a, b)
                        .isEqualTo(strict ? sameApartFromBuild(a, b) : samePrecedenceByDefinition(a, b));
                for (Version c : versions) {
                    if (ab <= 0 && Precedence.compare(b, c) <= 0) {
                        assertThat(Precedence.compare(a, c)).as("transitivity %s <= %s <= %s", a, b, c)
                                .isLessThanOrEqualTo(0);
                    }
                }
            }
        }
    }

    private static boolean sameApartFromBuild(Version a, Version b) {
        return a.release().equals(b.release()) && a.preRelease().equals(b.preRelease());
    }

    /** Precedence 0 from the rules themselves: numbers padded with zeros, identifiers compared by value. */
    private static boolean samePrecedenceByDefinition(Version a, Version b) {
        int numbers = Math.max(a.release().size(), b.release().size());
        for (int i = 0; i < numbers; i++) {
            if (!a.releaseNumber(i).equals(b.releaseNumber(i))) {
                return false;
            }
        }
        if (a.preRelease().size() != b.preRelease().size()) {
            return false;
        }
        for (int i = 0; i < a.preRelease().size(); i++) {
            String left = a.preRelease().get(i);
            String right = b.preRelease().get(i);
            boolean equal = isDigits(left) && isDigits(right)
                    ? new BigInteger(left).equals(new BigInteger(right)) : left.equals(right);
            if (!equal) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
