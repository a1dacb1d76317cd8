package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.dnscheck.spf.MacroString;
import dev.steward.dnscheck.spf.Mechanism;
import dev.steward.dnscheck.spf.SpfRecord;
import dev.steward.dnscheck.spf.SpfTerm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the SPF record parser, {@link SpfRecord#parse} (RFC 7208 §4.5, §4.6, §12).
 *
 * <p>Input: the record text as UTF-8 (the seeds are records from the RFC 7208 test suite). The
 * parser is documented never to throw: every exception is a failure. Properties:
 * <ul>
 *   <li>a text that is not {@code v=spf1} is {@code Invalid}; an {@code Invalid} names its reason;</li>
 *   <li>a valid record keeps its text, its terms are exactly the space-separated pieces in order,
 *       {@code redirect=} and {@code exp=} appear at most once, prefix lengths are in range and
 *       {@code ip4}/{@code ip6} networks have 4 and 16 octets;</li>
 *   <li>round trip: {@code "v=spf1 " + terms joined by one space} parses to the same terms
 *       (qualifier, mechanism, domain-spec, prefix lengths, modifier name and value), as does the
 *       record with its version tag in upper case.</li>
 * </ul>
 */
class SpfRecordFuzzTest {

    @FuzzTest
    void records(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        check(text);
        // Most mutations of a seed break the version tag; try the same terms behind a valid one too.
        if (!SpfRecord.isSpf1(text)) {
            check("v=spf1 " + text);
        }
    }

    private static void check(String text) {
        SpfRecord.ParseResult result = SpfRecord.parse(text);
        switch (result) {
            case SpfRecord.Invalid invalid -> {
                assertThat(invalid.text()).isEqualTo(text);
                assertThat(invalid.reason()).isNotBlank();
            }
            case SpfRecord.Valid valid -> {
                assertThat(SpfRecord.isSpf1(text)).isTrue();
                SpfRecord record = valid.record();
                assertThat(record.text()).isEqualTo(text);
                List<String> pieces = new ArrayList<>();
                for (String piece : text.substring(6).split(" ")) {
                    if (!piece.isEmpty()) {
                        pieces.add(piece);
                    }
                }
                assertThat(record.terms().stream().map(SpfTerm::text).toList()).isEqualTo(pieces);
                assertThat(record.terms().stream().filter(t -> t instanceof SpfTerm.Modifier m && m.isRedirect()).count())
                        .isLessThanOrEqualTo(1);
                assertThat(record.terms().stream().filter(t -> t instanceof SpfTerm.Modifier m && m.isExplanation()).count())
                        .isLessThanOrEqualTo(1);
                List<String> described = describe(record);
                String rendered = "v=spf1 " + String.join(" ", pieces);
                assertThat(reparse(rendered)).as("round trip of %s", text).isEqualTo(described);
                assertThat(reparse("V=SPF1" + text.substring(6))).isEqualTo(described);
            }
        }
    }

    private static List<String> reparse(String text) {
        if (SpfRecord.parse(text) instanceof SpfRecord.Valid valid) {
            return describe(valid.record());
        }
        throw new AssertionError("\"" + text + "\" no longer parses");
    }

    /** Everything the evaluator uses of each term, as text. */
    private static List<String> describe(SpfRecord record) {
        List<String> out = new ArrayList<>();
        for (SpfTerm term : record.terms()) {
            out.add(switch (term) {
                case SpfTerm.Modifier modifier -> {
                    assertThat(modifier.name()).isEqualTo(modifier.name().toLowerCase(Locale.ROOT));
                    yield "modifier " + modifier.name() + "=" + modifier.value().text();
                }
                case SpfTerm.Directive directive -> directive.qualifier() + " " + mechanism(directive.mechanism());
            });
        }
        return out;
    }

    private static String mechanism(Mechanism mechanism) {
        return switch (mechanism) {
            case Mechanism.All all -> "all";
            case Mechanism.Include include -> "include " + spec(include.domainSpec());
            case Mechanism.Exists exists -> "exists " + spec(exists.domainSpec());
            case Mechanism.Ptr ptr -> "ptr " + spec(ptr.domainSpec());
            case Mechanism.A a -> "a " + spec(a.domainSpec()) + cidrs(a.cidr4(), a.cidr6());
            case Mechanism.Mx mx -> "mx " + spec(mx.domainSpec()) + cidrs(mx.cidr4(), mx.cidr6());
            case Mechanism.Ip4 ip4 -> {
                assertThat(ip4.network().getAddress()).hasSize(4);
                assertThat(ip4.cidr()).isBetween(0, 32);
                yield "ip4 " + ip4.network().getHostAddress() + "/" + ip4.cidr();
            }
            case Mechanism.Ip6 ip6 -> {
                assertThat(ip6.network().getAddress()).hasSize(16);
                assertThat(ip6.cidr()).isBetween(0, 128);
                yield "ip6 " + ip6.network().getHostAddress() + "/" + ip6.cidr();
            }
        };
    }

    private static String cidrs(int cidr4, int cidr6) {
        assertThat(cidr4).isBetween(0, 32);
        assertThat(cidr6).isBetween(0, 128);
        return "/" + cidr4 + "//" + cidr6;
    }

    private static String spec(MacroString domainSpec) {
        return domainSpec == null ? "(current domain)" : domainSpec.text();
    }
}
