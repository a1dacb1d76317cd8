package dev.steward.interop;

import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One queued message of the relay (the RFC 5322 bytes),
 * split into header fields and body. Immutable.
 */
record QueuedMessage(String id, byte[] bytes, List<String> headerFields, byte[] body) {

    /**
     * The message with this queue id, read through the relay's queue API: from its queue files or
     * from the intake journal, wherever it lives now.
     */
    static Optional<QueuedMessage> find(Path queueDir, String id) {
        try {
            return QueueStore.readContent(queueDir, QueueId.parse(id)).map(bytes -> parse(id, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The queue ids of every queued message, in arrival order. */
    static List<String> ids(Path queueDir) {
        try {
            return QueueStore.list(queueDir).stream().map(entry -> entry.id().value()).sorted().toList();
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
