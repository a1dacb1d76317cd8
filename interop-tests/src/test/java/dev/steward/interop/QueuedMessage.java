package dev.steward.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One message file from the relay's queue ({@code <queue>/incoming/ID.msg}: the RFC 5322 bytes),
 * split into header fields and body. Immutable.
 */
record QueuedMessage(String id, byte[] bytes, List<String> headerFields, byte[] body) {

    static Path incoming(Path queueDir) {
        return queueDir.resolve("incoming");
    }

    /** The message with this queue id, if its .msg file is in incoming/. */
    static Optional<QueuedMessage> find(Path queueDir, String id) {
        Path file = incoming(queueDir).resolve(id + ".msg");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(id, Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The queue ids of every .msg file in incoming/. */
    static List<String> ids(Path queueDir) {
        Path dir = incoming(queueDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".msg"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QueuedMessage parse(String id, byte[] bytes) {
        int split = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int bodyStart = split < 0 ? bytes.length : split + 4;
        String head = new String(bytes, 0, split < 0 ? bytes.length : split + 2, StandardCharsets.UTF_8);
        List<String> fields = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line); // folded
            } else {
                fields.add(line);
            }
        }
        byte[] body = new byte[bytes.length - bodyStart];
        System.arraycopy(bytes, bodyStart, body, 0, body.length);
        return new QueuedMessage(id, bytes, List.copyOf(fields), body);
    }

    /** The header fields with this name, in order, each as "Name: value" (still folded). */
    List<String> fields(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headerFields.stream().filter(f -> f.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** For assertion messages. */
    String describe() {
        return "--- " + id + ".msg ---\n" + new String(bytes, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
