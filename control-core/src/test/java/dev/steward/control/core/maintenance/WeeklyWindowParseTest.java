package dev.steward.control.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.DayOfWeek;
import java.time.LocalTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WeeklyWindowParseTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            MONDAY 05:00-07:00     | MONDAY   | 05:00 | 07:00
            monday 07:00–09:00     | MONDAY   | 07:00 | 09:00
            '  Sunday   23:00-01:00 ' | SUNDAY | 23:00 | 01:00
            """)
    void parse_readsDayAndTimes(String text, DayOfWeek day, LocalTime start, LocalTime end) {
        WeeklyWindow window = WeeklyWindow.parse(text);
        assertThat(window).isEqualTo(new WeeklyWindow(day, start, end));
        assertThat(WeeklyWindow.parse(window.text())).isEqualTo(window);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MONDAY", "MONDAY 05:00", "MONDAY 5-7", "MONDAG 05:00-07:00", "MONDAY 05:00-05:00",
            "MONDAY 05:00:30-07:00", "MONDAY 05:00-07:00 extra"})
    void parse_refusesWithTheReason(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> WeeklyWindow.parse(text))
                .withMessageMatching("(?s).*(weekly window|window times|window start).*");
    }
}
