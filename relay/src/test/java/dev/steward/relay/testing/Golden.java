package dev.steward.relay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files (Postfix {@code *.ref}) under {@code src/test/resources/golden/}: the test compares
 * its output with the file byte for byte. Run with {@code -Dgolden.update=true} to rewrite the
 * files on purpose, then review the diff.
 */
public final class Golden {

    private Golden() {
    }

    /** Compares text, UTF-8. */
    public static void assertMatches(String name, String actual) throws IOException {
        assertMatches(name, actual.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares bytes exactly (CRLF stays CRLF: see .gitattributes). */
    public static void assertMatches(String name, byte[] actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Path file = Path.of("src/test/resources/golden", name);
            Files.createDirectories(file.getParent());
            Files.write(file, actual);
            return; // target/test-classes still holds the old copy until the next build
        }
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", name).isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(new String(actual, StandardCharsets.UTF_8)).as("golden file %s", name).isEqualTo(expected);
        }
    }
}
