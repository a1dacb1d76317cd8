package dev.steward.relay.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code shared/conformance} beside the checkout (walking up from the working directory). */
public final class Conformance {

    private Conformance() {
    }

    public static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/conformance"), dir.resolve("../shared/conformance")}) {
                if (Files.isDirectory(candidate)) {
                    return candidate.resolve(relative).normalize();
                }
            }
        }
        throw new AssertionError("shared/conformance not found above " + Path.of("").toAbsolutePath()
                + "; the conformance suites are required for these tests");
    }
}
