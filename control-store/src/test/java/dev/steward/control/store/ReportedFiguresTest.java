package dev.steward.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.control.core.bench.BenchProfile;
import org.junit.jupiter.api.Test;

class ReportedFiguresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReportedFigures of(String json) throws Exception {
        return ReportedFigures.of(JSON.readTree(json));
    }

    @Test
    void theAgentsShape_isRead() throws Exception {
        ReportedFigures figures = of("""
                {"profile": "full", "tests": [], "figures": [
                  {"name": "memory_write_bandwidth", "test": "memory", "unit": "MiB/s", "value": 1278.7, "higher_is_better": true},
                  {"name": "network_time_to_first_byte", "test": "network", "unit": "ms", "value": 0, "higher_is_better": false}]}
                """);
        assertThat(figures.profile()).isEqualTo(BenchProfile.FULL);
        assertThat(figures.accepted()).extracting(f -> f.name())
                .containsExactly("memory_write_bandwidth", "network_time_to_first_byte");
        assertThat(figures.refused()).isEmpty();
    }

    @Test
    void hugeNumbers_nullsAndTooManyFigures_areRefused() throws Exception {
        ReportedFigures huge = of("""
                {"profile": "quick", "figures": [
                  {"name": "cpu_latency_avg", "test": "cpu", "unit": "ms", "value": 1e400, "higher_is_better": false},
                  {"name": null, "test": "cpu", "unit": "ms", "value": 1, "higher_is_better": false},
                  {"name": "cpu_latency_avg", "test": "cpu", "unit": "ms", "value": 1, "higher_is_better": "no"}]}
                """);
        assertThat(huge.accepted()).isEmpty();
        assertThat(huge.refused()).hasSize(3);
        assertThat(huge.refused().get(0)).startsWith("figures[0]: cpu_latency_avg: value must be a finite number");
        assertThat(huge.refused().get(1)).isEqualTo("figures[1]: name is not a string");
        assertThat(huge.refused().get(2)).isEqualTo("figures[2]: higher_is_better is not true or false");

        StringBuilder many = new StringBuilder("{\"profile\": \"full\", \"figures\": [");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        ReportedFigures tooMany = of(many.append("]}").toString());
        assertThat(tooMany.accepted()).isEmpty();
        assertThat(tooMany.refused()).containsExactly("details.figures has 65 entries, at most 64");
        assertThat(ReportedFigures.of(null).refused()).containsExactly("details is not a JSON object");
        assertThat(of("{\"profile\": \"slow\", \"figures\": []}").refused().getFirst())
                .startsWith("details.profile: a benchmark profile is full or quick");
    }
}
