package dev.steward.smtp.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Test inputs: raw bytes from Latin-1 strings, and streams that split reads at every byte. */
final class WireTestStreams {

    private WireTestStreams() {
    }

    /** Each char of {@code text} as one byte (0..255), so tests can write any octet as a Java escape. */
    static byte[] octets(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new IllegalArgumentException("not an octet at " + i);
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin1(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** An input stream that returns at most one byte per read, as a slow client would. */
    static InputStream oneBytePerRead(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 1));
            }
        };
    }

    /**
     * A non-blocking channel over {@code bytes}: every other read finds nothing (returns 0), the
     * others return at most {@code chunk} bytes; -1 at the end.
     */
    static ReadableByteChannel stuttering(byte[] bytes, int chunk) {
        return new ReadableByteChannel() {
            private int position;
            private boolean empty = true;

            @Override
            public int read(ByteBuffer into) {
                empty = !empty;
                if (!empty) {
                    return 0;
                }
                if (position == bytes.length) {
                    return -1;
                }
                int count = Math.min(Math.min(chunk, into.remaining()), bytes.length - position);
                into.put(bytes, position, count);
                position += count;
                return count;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    /** {@link SmtpInput#readCommandLine}, called again while a non-blocking input has no line yet. */
    static String line(SmtpInput input, int maxLength) throws IOException {
        String line;
        while ((line = input.readCommandLine(maxLength)) == null) {
            // the stuttering channel has more on the next read
        }
        return line;
    }

    /** {@link SmtpInput#readData}, called again while a non-blocking input has no end of data yet. */
    static DataResult data(SmtpInput input, DataLimits limits, OutputStream sink) throws IOException {
        DataResult result;
        while ((result = input.readData(limits, sink)) == null) {
            // the stuttering channel has more on the next read
        }
        return result;
    }

    /** Ways to feed the same bytes to an {@link SmtpInput}: one read, byte by byte, tiny buffers. */
    enum Feed {
        WHOLE(bytes -> new SmtpInput(new ByteArrayInputStream(bytes))),
        ONE_BYTE_READS(bytes -> new SmtpInput(oneBytePerRead(bytes))),
        BUFFER_1(bytes -> new SmtpInput(new ByteArrayInputStream(bytes), 1)),
        BUFFER_2(bytes -> new SmtpInput(new ByteArrayInputStream(bytes), 2)),
        BUFFER_3(bytes -> new SmtpInput(new ByteArrayInputStream(bytes), 3)),
        BUFFER_5(bytes -> new SmtpInput(new ByteArrayInputStream(bytes), 5)),
        BUFFER_7(bytes -> new SmtpInput(new ByteArrayInputStream(bytes), 7)),
        // Non-blocking channels that have nothing to read every other time (an event loop's socket).
        NON_BLOCKING_WHOLE(bytes -> SmtpInput.nonBlocking(stuttering(bytes, Integer.MAX_VALUE))),
        NON_BLOCKING_ONE_BYTE(bytes -> SmtpInput.nonBlocking(stuttering(bytes, 1))),
        NON_BLOCKING_BUFFER_3(bytes -> SmtpInput.nonBlocking(stuttering(bytes, 2), 3));

        private final Function<byte[], SmtpInput> factory;

        Feed(Function<byte[], SmtpInput> factory) {
            this.factory = factory;
        }

        SmtpInput open(byte[] bytes) {
            return factory.apply(bytes);
        }
    }
}
