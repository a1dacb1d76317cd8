package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0ms, 0.000",
        "300, 300ms, 0.300",
        "1000, 1s, 1.000",
        "2500, 2.5s, 2.500",
        "89000, 1m29s, 89.000",
        "900000, 15m, 900.000",
        "1501000, 25m1s, 1501.000",
        "5400000, 1h30m, 5400.000",
        "3600001, 1h0.001s, 3600.001",
    })
    void textAndSeconds(long millis, String text, String seconds) {
        assertThat(Durations.text(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.seconds(Duration.ofMillis(millis))).hasToString(seconds);
    }
}
