package dev.steward.control.core.version;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the semver conformance files in {@code shared/conformance/semver} beside the checkout (found
 * by walking up from the working directory, as mail-dkim's {@code Vectors} does).
 */
final class Conformance {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {
    }

    static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/conformance"), dir.resolve("../shared/conformance")}) {
                if (Files.isDirectory(candidate)) {
                    Path file = candidate.resolve("semver").resolve(relative).normalize();
                    if (!Files.isRegularFile(file)) {
                        throw new AssertionError(file + " is missing; the semver conformance suite is required");
                    }
                    return file;
                }
            }
        }
        throw new AssertionError("shared/conformance not found above " + Path.of("").toAbsolutePath()
                + "; the conformance suites are required for these tests");
    }

    static JsonNode json(String relative) {
        try {
            return JSON.readTree(file(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a node-semver fixture (a top-level array of tuples). */
    static List<JsonNode> rows(String fixture) {
        List<JsonNode> rows = new ArrayList<>();
        json("node-semver/" + fixture).forEach(rows::add);
        return rows;
    }

    /**
     * node-semver's options column: absent, null, false or falsy → strict; {@code true} →
     * loose; an object → its {@code loose} member ({@code {"$js": "NaN"}} and friends are falsy).
     */
    static boolean loose(JsonNode row, int column) {
        if (row.size() <= column) {
            return false;
        }
        JsonNode opts = row.get(column);
        if (opts.isBoolean()) {
            return opts.booleanValue();
        }
        if (opts.isObject()) {
            JsonNode loose = opts.get("loose");
            return loose != null && loose.isBoolean() && loose.booleanValue();
        }
        return false;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
