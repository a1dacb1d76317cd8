package dev.steward.control.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.catalogue.VersionScheme;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeClassifierTest {

    @ParameterizedTest(name = "{0}: {1} -> {2} = {3} (announce {4})")
    @CsvSource({
            // scheme, from,          to,              class,      announce as
            "SEMVER, 1.2.3,          2.0.0,           MAJOR,      MAJOR",
            "SEMVER, 1.2.3,          1.3.0,           MINOR,      MINOR",
            "SEMVER, 1.2.3,          1.2.4,           PATCH,      PATCH",
            "SEMVER, 1.2.3,          1.2.3,           NONE,       NONE",
            "SEMVER, 1.2.3,          1.2.3+build.7,   NONE,       NONE",
            "SEMVER, 1.2.4,          1.2.3,           NONE,       NONE",
            "SEMVER, 2.0.0,          1.9.9,           NONE,       NONE",
            "SEMVER, 1.2.3,          3.0.0-alpha,     MAJOR,      MAJOR",
            "SEMVER, 1.2.3,          1.3.0-beta.1,    MINOR,      MINOR",
            "SEMVER, 1.2.3,          1.2.4-rc.1,      PATCH,      PATCH",
            "SEMVER, 1.0.0-rc.1,     1.0.0-rc.2,      PRERELEASE, MAJOR",
            "SEMVER, 1.0.0-rc.1,     1.0.0,           PRERELEASE, MAJOR",
            "SEMVER, 1.0.0-beta.11,  1.0.0-beta.2,    NONE,       NONE",
            "SEMVER, 1.0.0,          1.0.0-rc.1,      NONE,       NONE",
            // 0.y.z: a minor bump is announced like a major one; patches stay patches.
            "SEMVER, 0.9.3,          0.10.0,          MINOR,      MAJOR",
            "SEMVER, 0.9.3,          0.9.4,           PATCH,      PATCH",
            "SEMVER, 0.0.3,          0.0.4,           PATCH,      PATCH",
            "SEMVER, 0.9.3,          1.0.0,           MAJOR,      MAJOR",
            "SEMVER, 1.9.3,          1.10.0,          MINOR,      MINOR",
            "SEMVER, 99999999999999999999.0.0, 100000000000000000000.0.0, MAJOR, MAJOR",
            // loose: numeric parts, classified by the first three, missing parts are zero.
            "LOOSE,  8.0.24,         8.0.24.1,        PATCH,      PATCH",
            "LOOSE,  8.0.24.1,       8.0.24.2,        PATCH,      PATCH",
            "LOOSE,  8.0.24.9,       8.0.25,          PATCH,      PATCH",
            "LOOSE,  8.0.24.1,       8.1,             MINOR,      MINOR",
            "LOOSE,  8.0.24.1,       v9,              MAJOR,      MAJOR",
            "LOOSE,  v2.3,           2.3.0,           NONE,       NONE",
            "LOOSE,  v2.3,           2.3.0.0.1,       PATCH,      PATCH",
            "LOOSE,  2.3,            2.2.99,          NONE,       NONE",
            "LOOSE,  2024.03.1,      2024.10,         MINOR,      MINOR",
            "LOOSE,  0.4,            0.5,             MINOR,      MAJOR",
            "LOOSE,  v1.2.3-beta,    1.2.3,           PRERELEASE, MAJOR",
            "LOOSE,  1.2.3-rc.01,    1.2.3-rc.1,      NONE,       NONE",
    })
    void classify_andAnnounce(VersionScheme scheme, String from, String to, ChangeClass change, ChangeClass announceAs) {
        Version fromVersion = Version.parse(scheme, from);
        Version toVersion = Version.parse(scheme, to);
        assertThat(ChangeClassifier.classify(fromVersion, toVersion)).isEqualTo(change);
        Classification classification = ChangeClassifier.announce(fromVersion, toVersion);
        assertThat(classification).isEqualTo(new Classification(change, announceAs));
        assertThat(classification.needsNotice()).isEqualTo(announceAs == ChangeClass.MAJOR || announceAs == ChangeClass.MINOR);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', value = {
            "''                    | empty",
            "1.2                   | expected MAJOR.MINOR.PATCH (three numbers separated by dots), found 2 parts in \"1.2\"",
            "1.2.3.4               | expected MAJOR.MINOR.PATCH (three numbers separated by dots), found 4 parts in \"1.2.3.4\"",
            "01.2.3                | major version \"01\" has a leading zero",
            "1.02.3                | minor version \"02\" has a leading zero",
            "1.2.x                 | patch version \"x\" is not a number",
            "1..3                  | minor version is empty",
            "v1.2.3                | a 'v' prefix is not part of SemVer 2.0.0 (the loose scheme accepts it)",
            "1.2.3-                | empty pre-release after '-'",
            "1.2.3-01              | pre-release identifier \"01\" is numeric with a leading zero",
            "1.2.3-a..b            | pre-release identifier 2 is empty (two dots in a row, or a dot at an end)",
            "1.2.3-a_b             | pre-release identifier \"a_b\" contains '_'; only ASCII letters, digits and '-' are allowed",
            "1.2.3+                | empty build metadata after '+'",
            "1.2.3+a+b             | more than one '+' (build metadata may not contain '+')",
            "-1.2.3                | missing MAJOR.MINOR.PATCH",
            "'1.2.3 '              | patch version \"3 \" is not a number",
    })
    void semVer_invalid_reason(String text, String reason) {
        assertThatThrownBy(() -> SemVer.parse(text))
                .isInstanceOfSatisfying(InvalidVersionException.class, invalid -> assertThat(invalid.reason()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', value = {
            "v                     | missing release numbers (expected [v]N(.N)*)",
            "=1.2.3                | release number 1 \"=1\" is not a number (expected [v]N(.N)*[-PRERELEASE][+BUILD])",
            "8.0.24p1              | release number 3 \"24p1\" is not a number (expected [v]N(.N)*[-PRERELEASE][+BUILD])",
            "1.2.3.4.5.6.7.8.9     | more than 8 release numbers",
            "2.3.                  | release number 3 is empty (two dots in a row, or a dot at an end)",
    })
    void loose_invalid_reason(String text, String reason) {
        assertThatThrownBy(() -> LooseVersion.parse(text))
                .isInstanceOfSatisfying(InvalidVersionException.class, invalid -> assertThat(invalid.reason()).isEqualTo(reason));
    }

    @Test
    void constructors_checkWhatParseChecks() {
        assertThatThrownBy(() -> new LooseVersion("x", List.of(BigInteger.ONE), List.of("a_b"), List.of()))
                .isInstanceOf(InvalidVersionException.class);
        assertThatThrownBy(() -> new LooseVersion("x", List.of(BigInteger.ONE.negate()), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SemVer(BigInteger.ONE, BigInteger.ZERO, BigInteger.ZERO,
                List.of("01"), List.of())).isInstanceOf(InvalidVersionException.class);
        assertThat(SemVer.of(1, 2, 3)).isEqualTo(SemVer.parse("1.2.3"));
        assertThat(SemVer.parse("1.2.3+b")).isNotEqualTo(SemVer.parse("1.2.3+c"));
    }
}
