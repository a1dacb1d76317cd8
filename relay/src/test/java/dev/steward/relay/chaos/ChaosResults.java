package dev.steward.relay.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one chaos scenario, written to {@code target/chaos/<scenario>.properties} (and
 * tables to {@code .csv}) for {@code scripts/chaos-report}, which turns them into the
 * "Crash and fault tests" section of {@code docs/reliability.md}. Keys keep their insertion order.
 *
 * <p>Thread safety: not thread-safe; one per test.
 */
final class ChaosResults {

    static final Path DIRECTORY = Path.of("target", "chaos");

    private final String scenario;
    private final Map<String, String> values = new LinkedHashMap<>();

    ChaosResults(String scenario) {
        this.scenario = scenario;
    }

    ChaosResults put(String key, Object value) {
        values.put(key, String.valueOf(value).replace('\n', ' '));
        return this;
    }

    /** Writes the properties file (one {@code key=value} a line). */
    void write() throws IOException {
        Files.createDirectories(DIRECTORY);
        StringBuilder text = new StringBuilder();
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(DIRECTORY.resolve(scenario + ".properties"), text, StandardCharsets.UTF_8);
    }

    /** Writes a table: a header line and one line per row, comma-separated. */
    void writeTable(String name, String header, List<String> rows) throws IOException {
        Files.createDirectories(DIRECTORY);
        Files.writeString(DIRECTORY.resolve(scenario + "-" + name + ".csv"),
                header + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    }

    static Path logFile(String scenario, String name) {
        return DIRECTORY.resolve(scenario).resolve(name);
    }
}
