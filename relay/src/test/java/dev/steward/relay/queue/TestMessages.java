package dev.steward.relay.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Test fixtures: envelopes and in-memory message content. */
final class TestMessages {

    static final Instant ARRIVAL = Instant.parse("2026-11-28T10:00:00Z");

    private TestMessages() {
    }

    static NewMessage envelope(String... recipients) {
        return new NewMessage("app@app.example.test", List.of(recipients), ARRIVAL,
                "web1.example.test[192.0.2.10]", "web1.example.test", false, "7BIT", "<m1@app.example.test>");
    }

    static MessageContent content(byte[] bytes) {
        return new MessageContent() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }

    static MessageContent content(String text) {
        return content(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        for (int i = 78; i < size; i += 80) {
            bytes[i] = '\r';
            bytes[i + 1 < size ? i + 1 : i] = '\n';
        }
        return bytes;
    }

    /** Writes some bytes, then fails like a spool read error or a full disk would. */
    static MessageContent failing(String reason) {
        return new MessageContent() {
            @Override
            public long size() {
                return 100;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(new byte[10]);
                throw new IOException(reason);
            }
        };
    }
}
