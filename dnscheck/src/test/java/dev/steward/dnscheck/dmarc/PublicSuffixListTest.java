package dev.steward.dnscheck.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code psl-tests.json} (publicsuffix/list {@code tests/test_psl.txt}) against the shipped list. */
class PublicSuffixListTest {

    static final JsonNode CASES = Conformance.json("psl-tests.json").get("cases");

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        CASES.forEach(node -> cases.add(Arguments.of(
                node.get("input").isNull() ? null : node.get("input").asText(),
                node.get("registrable_domain").isNull() ? null : node.get("registrable_domain").asText(),
                node.get("section").asText())));
        return cases.stream();
    }

    /**
     * Two expectations in the shared copy differ from upstream {@code tests/test_psl.txt} (every
     * public copy, and the PSL algorithm: {@code !city.kobe.jp} is an exception rule, so the public
     * suffix is {@code kobe.jp} and the registrable domain {@code city.kobe.jp}). The shared copy says
     * {@code kobe.jp}. We assert upstream's value here, and {@link #sharedCopy_stillDiffersFromUpstream}
     * fails once the shared file is corrected, so this list cannot go stale.
     */
    static final Map<String, String> UPSTREAM = Map.of(
            "city.kobe.jp", "city.kobe.jp",
            "www.city.kobe.jp", "city.kobe.jp");

    @ParameterizedTest(name = "[{index}] {0} -> {1} ({2})")
    @MethodSource("cases")
    void organizationalDomain_matchesTestPsl(String input, String expected, String section) {
        String want = input != null && UPSTREAM.containsKey(input) ? UPSTREAM.get(input) : expected;

        assertThat(PublicSuffixList.shipped().organizationalDomain(input).orElse(null)).isEqualTo(want);
    }

    @Test
    void sharedCopy_stillDiffersFromUpstream() {
        CASES.forEach(node -> {
            String input = node.get("input").asText();
            if (UPSTREAM.containsKey(input)) {
                assertThat(node.get("registrable_domain").asText())
                        .as("shared psl-tests.json now agrees with upstream for %s: drop it from UPSTREAM", input)
                        .isNotEqualTo(UPSTREAM.get(input));
            }
        });
    }

    @Test
    void suite_hasAllActiveCases() {
        assertThat(CASES).hasSize(78);
    }

    @Test
    void parse_wildcardAndExceptionRules() throws Exception {
        PublicSuffixList list = PublicSuffixList.parse(new ByteArrayInputStream("""
                // comment
                test
                *.wild.test
                !keep.wild.test
                """.getBytes(StandardCharsets.UTF_8)));

        assertThat(list.organizationalDomain("a.b.wild.test")).contains("a.b.wild.test");
        assertThat(list.organizationalDomain("x.keep.wild.test")).contains("keep.wild.test");
        assertThat(list.organizationalDomain("app.example.test")).contains("example.test");
        assertThat(list.isPublicSuffix("b.wild.test")).isTrue();
    }
}
