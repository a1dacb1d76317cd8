package dev.steward.dnscheck.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code mox-dmarc-record-parse.json} (mox {@code dmarc/parse_test.go}, MIT). */
class DmarcRecordConformanceTest {

    static final JsonNode CASES = Conformance.json("mox-dmarc-record-parse.json");

    static Stream<Arguments> invalid() {
        List<Arguments> cases = new ArrayList<>();
        CASES.get("invalid").forEach(node -> cases.add(Arguments.of(node.get("record").asText(), node.path("note").asText(""))));
        return cases.stream();
    }

    static Stream<Arguments> valid() {
        List<Arguments> cases = new ArrayList<>();
        CASES.get("valid").forEach(node -> cases.add(Arguments.of(node.get("record").asText(), node.get("expected"))));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" {1}")
    @MethodSource("invalid")
    void invalidRecord_notUsable(String record, String note) {
        DmarcRecord.Parse parsed = DmarcRecord.parse(record);

        assertThat(parsed).isNotInstanceOf(DmarcRecord.Parse.Valid.class);
        if (parsed instanceof DmarcRecord.Parse.Invalid invalid) {
            assertThat(invalid.reason()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("valid")
    void validRecord_everyTagWithDefaults(String text, JsonNode expected) {
        DmarcRecord.Parse parsed = DmarcRecord.parse(text);

        assertThat(parsed).isInstanceOf(DmarcRecord.Parse.Valid.class);
        DmarcRecord record = ((DmarcRecord.Parse.Valid) parsed).record();
        assertThat(record.version()).isEqualTo(expected.get("v").asText());
        assertThat(record.policy().tag()).isEqualTo(expected.get("p").asText());
        assertThat(record.subdomainPolicy() == null ? null : record.subdomainPolicy().tag())
                .isEqualTo(expected.get("sp").isNull() ? null : expected.get("sp").asText());
        assertThat(record.aggregateReports()).isEqualTo(uris(expected.get("rua")));
        assertThat(record.failureReports()).isEqualTo(uris(expected.get("ruf")));
        assertThat(record.dkimAlignment().tag()).isEqualTo(expected.get("adkim").asText());
        assertThat(record.spfAlignment().tag()).isEqualTo(expected.get("aspf").asText());
        assertThat(record.reportInterval()).isEqualTo(expected.get("ri").asInt());
        assertThat(record.failureOptions()).isEqualTo(strings(expected.get("fo")));
        assertThat(record.reportFormats()).isEqualTo(strings(expected.get("rf")));
        assertThat(record.percent()).isEqualTo(expected.get("pct").asInt());
    }

    @org.junit.jupiter.api.Test
    void suite_hasTheDocumentedNumberOfCases() {
        // SOURCE.md: 35 invalid + 6 valid records; a truncated file must not pass silently.
        assertThat(CASES.get("invalid")).hasSize(35);
        assertThat(CASES.get("valid")).hasSize(6);
    }

    private static List<DmarcRecord.ReportUri> uris(JsonNode array) {
        List<DmarcRecord.ReportUri> uris = new ArrayList<>();
        array.forEach(node -> uris.add(new DmarcRecord.ReportUri(node.get("address").asText(), node.get("max_size").asLong(),
                node.get("unit").asText())));
        return uris;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
