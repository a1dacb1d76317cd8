package dev.steward.control.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The semver conformance data in {@code shared/conformance/semver}: semver.org's regex101 lists and
 * spec examples (all rows used), and node-semver's {@code comparisons}, {@code equality},
 * {@code invalid-versions} and {@code valid-versions} fixtures.
 *
 * <p>node-semver rows, used and skipped (each partition's size is asserted in
 * {@link #nodeSemverPartitions()}):
 * <ul>
 *   <li>{@code comparisons.json} (31): 19 strict rows → {@link SemVer}; 12 loose rows (all a
 *       {@code v} prefix) → {@link LooseVersion}. None skipped.</li>
 *   <li>{@code equality.json} (37): 2 strict rows → SemVer; 4 loose rows whose only looseness is a
 *       {@code v} prefix → LooseVersion. Skipped as equalities, 31 rows: 30 loose rows with
 *       {@code =} or spaces (npm range syntax; the loose scheme does not claim them, and the test
 *       asserts it refuses them), and the strict row {@code "  v1.2.3+build"} (node-semver trims and
 *       accepts {@code v} even when strict; SemVer 2.0.0 does not, asserted invalid).</li>
 *   <li>{@code invalid-versions.json} (10): used 4 — "too long" (both schemes refuse it), "hello,
 *       world" strict, and the two loose junk rows (loose scheme). Skipped 6: the 3 "too big" rows,
 *       because the limit is node's {@code MAX_SAFE_INTEGER}, not SemVer's (the spec has no bound,
 *       and semver.org's own valid list has a 23-digit major; Steward accepts them, asserted);
 *       and the 3 non-string rows (a RegExp, an object with toString), which Java's
 *       {@code String} parameter cannot express.</li>
 *   <li>{@code valid-versions.json} (22): 21 rows → SemVer with their parts; {@code v1.2.3} → loose
 *       only (node accepts {@code v} in strict mode, asserted invalid for SemVer).</li>
 * </ul>
 */
class SemVerConformanceTest {

    // ---- semver.org (regex101 lists and spec items 9-11) ----

    static Stream<Arguments> regex101Valid() {
        List<Arguments> rows = new ArrayList<>();
        Conformance.json("semver-org/regex101-examples.json").get("valid").forEach(row -> rows.add(Arguments.of(
                row.get("version").asText(), row.get("major").asText(), row.get("minor").asText(), row.get("patch").asText(),
                row.get("prerelease").isNull() ? null : row.get("prerelease").asText(),
                row.get("buildmetadata").isNull() ? null : row.get("buildmetadata").asText())));
        assertThat(rows).hasSize(31);
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("regex101Valid")
    void regex101_valid_parsesIntoTheRegexGroups(String text, String major, String minor, String patch, String pre, String build) {
        SemVer version = SemVer.parse(text);
        assertThat(version.major()).isEqualTo(new BigInteger(major));
        assertThat(version.minor()).isEqualTo(new BigInteger(minor));
        assertThat(version.patch()).isEqualTo(new BigInteger(patch));
        assertThat(version.preRelease()).isEqualTo(pre == null ? List.of() : List.of(pre.split("\\.")));
        assertThat(version.build()).isEqualTo(build == null ? List.of() : List.of(build.split("\\.")));
        assertThat(version.text()).isEqualTo(text);
        // Every strict version is also a loose version with the same precedence.
        assertThat(Precedence.compare(version, LooseVersion.parse(text))).isZero();
    }

    static Stream<String> regex101Invalid() {
        List<String> rows = Conformance.strings(Conformance.json("semver-org/regex101-examples.json").get("invalid"));
        assertThat(rows).hasSize(39);
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("regex101Invalid")
    void regex101_invalid_isRefusedWithAReason(String text) {
        assertThatThrownBy(() -> SemVer.parse(text))
                .isInstanceOfSatisfying(InvalidVersionException.class, invalid -> assertThat(invalid.reason()).isNotBlank());
    }

    @Test
    void specExamples_parse() {
        JsonNode spec = Conformance.json("semver-org/spec-examples.json");
        List<String> examples = new ArrayList<>(Conformance.strings(spec.get("valid_prerelease_examples")));
        examples.addAll(Conformance.strings(spec.get("valid_build_metadata_examples")));
        assertThat(examples).hasSize(9);
        for (String example : examples) {
            assertThat(SemVer.parse(example).text()).isEqualTo(example);
        }
        // §10: build metadata is ignored for precedence.
        assertThat(Precedence.compare(SemVer.parse("1.0.0+20130313144700"), SemVer.parse("1.0.0"))).isZero();
    }

    @Test
    void specPrecedenceChains_areStrictlyAscending_inEveryPair() {
        JsonNode chains = Conformance.json("semver-org/spec-examples.json").get("precedence_chains");
        assertThat(chains).hasSize(3);
        int pairs = 0;
        for (JsonNode chain : chains) {
            List<String> ascending = Conformance.strings(chain.get("ascending"));
            for (int low = 0; low < ascending.size(); low++) {
                for (int high = 0; high < ascending.size(); high++) {
                    SemVer left = SemVer.parse(ascending.get(low));
                    SemVer right = SemVer.parse(ascending.get(high));
                    assertThat(Precedence.compare(left, right))
                            .as("%s vs %s (spec %s)", left, right, chain.get("spec").asText())
                            .isEqualTo(Integer.compare(low, high));
                    pairs++;
                }
            }
        }
        assertThat(pairs).isEqualTo(16 + 4 + 64);
    }

    // ---- node-semver ----

    @Test
    void nodeSemverPartitions() {
        List<JsonNode> comparisons = Conformance.rows("comparisons.json");
        assertThat(comparisons).hasSize(31);
        assertThat(comparisons.stream().filter(row -> !Conformance.loose(row, 2))).hasSize(19);
        assertThat(comparisons.stream().filter(row -> Conformance.loose(row, 2))).hasSize(12);

        List<JsonNode> equality = Conformance.rows("equality.json");
        assertThat(equality).hasSize(37);
        assertThat(equalityRows(false, true)).hasSize(2);
        assertThat(equalityRows(false, false)).hasSize(1);
        assertThat(equalityRows(true, true)).hasSize(4);
        assertThat(equalityRows(true, false)).hasSize(30);

        assertThat(Conformance.rows("invalid-versions.json")).hasSize(10);
        assertThat(invalidRows("used")).hasSize(4);
        assertThat(invalidRows("too big")).hasSize(3);
        assertThat(invalidRows("not a string")).hasSize(3);

        assertThat(Conformance.rows("valid-versions.json")).hasSize(22);
        assertThat(validRows(true)).hasSize(21);
        assertThat(validRows(false)).hasSize(1);
    }

    static Stream<Arguments> comparisons() {
        return Conformance.rows("comparisons.json").stream()
                .map(row -> Arguments.of(row.get(0).asText(), row.get(1).asText(), Conformance.loose(row, 2)));
    }

    @ParameterizedTest(name = "{0} > {1} loose={2}")
    @MethodSource("comparisons")
    void nodeComparisons_firstIsGreater(String greater, String lesser, boolean loose) {
        Version high = loose ? LooseVersion.parse(greater) : SemVer.parse(greater);
        Version low = loose ? LooseVersion.parse(lesser) : SemVer.parse(lesser);
        assertThat(Precedence.compare(high, low)).isEqualTo(1);
        assertThat(Precedence.compare(low, high)).isEqualTo(-1);
        assertThat(ChangeClassifier.classify(high, low)).isEqualTo(ChangeClass.NONE);
        assertThat(ChangeClassifier.classify(low, high)).isNotEqualTo(ChangeClass.NONE);
    }

    /** Equality rows by (loose, claimed): a loose row is claimed when its only looseness is a {@code v} prefix. */
    static List<JsonNode> equalityRows(boolean loose, boolean claimed) {
        return Conformance.rows("equality.json").stream()
                .filter(row -> Conformance.loose(row, 2) == loose)
                .filter(row -> claimed == (loose ? !hasNpmSyntax(row) : !hasNpmSyntax(row) && !row.get(0).asText().startsWith("v")))
                .toList();
    }

    private static boolean hasNpmSyntax(JsonNode row) {
        String pair = row.get(0).asText() + row.get(1).asText();
        return pair.contains(" ") || pair.contains("=");
    }

    static Stream<Arguments> equalityUsed() {
        return Stream.concat(equalityRows(false, true).stream(), equalityRows(true, true).stream())
                .map(row -> Arguments.of(row.get(0).asText(), row.get(1).asText(), Conformance.loose(row, 2)));
    }

    @ParameterizedTest(name = "{0} == {1} loose={2}")
    @MethodSource("equalityUsed")
    void nodeEquality_samePrecedence(String left, String right, boolean loose) {
        Version first = loose ? LooseVersion.parse(left) : SemVer.parse(left);
        Version second = loose ? LooseVersion.parse(right) : SemVer.parse(right);
        assertThat(Precedence.compare(first, second)).isZero();
        assertThat(Precedence.compare(second, first)).isZero();
        assertThat(ChangeClassifier.classify(first, second)).isEqualTo(ChangeClass.NONE);
    }

    static Stream<Arguments> equalitySkipped() {
        return Stream.concat(equalityRows(false, false).stream(), equalityRows(true, false).stream())
                .map(row -> Arguments.of(row.get(0).asText(), row.get(1).asText(), Conformance.loose(row, 2)));
    }

    @ParameterizedTest(name = "\"{0}\" == \"{1}\" loose={2}")
    @MethodSource("equalitySkipped")
    void nodeEquality_skippedRows_areNotClaimedByTheScheme(String left, String right, boolean loose) {
        // The skipped side is the one with node's extra syntax: the scheme must refuse it, not misread it.
        String odd = hasNpmSyntax(left, loose) ? left : right;
        assertThatThrownBy(() -> {
            if (loose) {
                LooseVersion.parse(odd);
            } else {
                SemVer.parse(odd);
            }
        }).isInstanceOf(InvalidVersionException.class);
    }

    private static boolean hasNpmSyntax(String text, boolean loose) {
        return text.contains(" ") || text.contains("=") || !loose && text.startsWith("v");
    }

    /** invalid-versions rows in three groups: "used", "too big", "not a string". */
    static List<JsonNode> invalidRows(String group) {
        return Conformance.rows("invalid-versions.json").stream().filter(row -> switch (group) {
            case "too big" -> row.get(1).asText().equals("too big");
            case "not a string" -> !row.get(0).isTextual();
            default -> row.get(0).isTextual() && !row.get(1).asText().equals("too big");
        }).toList();
    }

    static Stream<Arguments> invalidUsed() {
        return invalidRows("used").stream()
                .map(row -> Arguments.of(row.get(0).asText(), row.get(1).asText(), Conformance.loose(row, 2)));
    }

    @ParameterizedTest(name = "{1} loose={2}")
    @MethodSource("invalidUsed")
    void nodeInvalidVersions_areRefused(String text, String why, boolean loose) {
        assertThatThrownBy(() -> LooseVersion.parse(text)).isInstanceOf(InvalidVersionException.class);
        if (!loose) {
            assertThatThrownBy(() -> SemVer.parse(text)).isInstanceOf(InvalidVersionException.class);
        }
    }

    @Test
    void nodeTooBig_isADeliberateDeviation_arbitraryPrecisionNumbers() {
        for (JsonNode row : invalidRows("too big")) {
            SemVer version = SemVer.parse(row.get(0).asText());
            assertThat(version.release()).contains(new BigInteger("90071992547409910"));
        }
    }

    static List<JsonNode> validRows(boolean strict) {
        return Conformance.rows("valid-versions.json").stream()
                .filter(row -> strict != row.get(0).asText().startsWith("v")).toList();
    }

    static Stream<Arguments> validVersions() {
        return Conformance.rows("valid-versions.json").stream().map(row -> Arguments.of(
                row.get(0).asText(), row.get(1).asLong(), row.get(2).asLong(), row.get(3).asLong(),
                Conformance.strings(row.get(4)), Conformance.strings(row.get(5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVersions")
    void nodeValidVersions_parts(String text, long major, long minor, long patch, List<String> pre, List<String> build) {
        Version version;
        if (text.startsWith("v")) {
            assertThatThrownBy(() -> SemVer.parse(text)).isInstanceOf(InvalidVersionException.class);
            version = LooseVersion.parse(text);
        } else {
            version = SemVer.parse(text);
        }
        assertThat(version.release()).containsExactly(BigInteger.valueOf(major), BigInteger.valueOf(minor), BigInteger.valueOf(patch));
        assertThat(version.preRelease()).isEqualTo(pre);
        assertThat(version.build()).isEqualTo(build);
    }
}
