package dev.steward.dnscheck.dmarc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the DMARC conformance files in {@code shared/conformance/dmarc} beside the checkout, found
 * by walking up from the working directory (as mail-dkim's {@code Vectors} does).
 */
final class Conformance {

    private Conformance() {
    }

    static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/conformance"), dir.resolve("../shared/conformance")}) {
                if (Files.isDirectory(candidate)) {
                    return candidate.resolve("dmarc").resolve(relative).normalize();
                }
            }
        }
        throw new AssertionError("shared/conformance not found above " + Path.of("").toAbsolutePath()
                + "; the conformance suites are required for these tests");
    }

    static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(file(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
