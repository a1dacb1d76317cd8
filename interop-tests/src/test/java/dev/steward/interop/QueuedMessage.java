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

    /**
     * Where committed messages can be. Intake commits into incoming/; once the relay has a queue
     * manager it may already have moved the message on by the time a test looks.
     */
    static final List<String> QUEUES = List.of("incoming", "active", "deferred", "hold");

    /** The message with this queue id, if its .msg file is in one of {@link #QUEUES}. */
    static Optional<QueuedMessage> find(Path queueDir, String id) {
        for (String queue : QUEUES) {
            Path file = queueDir.resolve(queue).resolve(id + ".msg");
            try {
                return Optional.of(parse(id, Files.readAllBytes(file)));
            } catch (java.nio.file.NoSuchFileException e) {
                continue; // not in this queue (or moved between two looks: the next one has it)
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** The queue ids of every committed .msg file, whatever queue it is in. */
    static List<String> ids(Path queueDir) {
        List<String> ids = new ArrayList<>();
        for (String queue : QUEUES) {
            Path dir = queueDir.resolve(queue);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".msg"))
                        .map(n -> n.substring(0, n.length() - 4)).forEach(ids::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids.stream().sorted().toList();
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
