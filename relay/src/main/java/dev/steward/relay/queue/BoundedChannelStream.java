package dev.steward.relay.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads {@code length} bytes of a file channel from {@code position} with positional reads (the
 * channel is shared: its own position is never used), then reports the end; closing the stream
 * runs {@code release} once. Used to read a message that lives in a journal segment, through the
 * segment's shared reader ({@link IntakeJournal#acquireReader}).
 *
 * <p>Thread safety: single-threaded.
 */
final class BoundedChannelStream extends InputStream {

    private final FileChannel channel;
    private final Runnable release;
    private long position;  // of the next byte to read
    private long remaining; // bytes still to read
    private boolean closed;

    BoundedChannelStream(FileChannel channel, long position, long length, Runnable release) {
        this.channel = channel;
        this.position = position;
        this.remaining = length;
        this.release = release;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int wanted = (int) Math.min(length, remaining);
        if (closed) {
            throw new IOException("stream closed");
        }
        int n = channel.read(ByteBuffer.wrap(bytes, offset, wanted), position);
        if (n < 0) {
            throw new IOException("journal segment ends " + remaining + " bytes before the message does");
        }
        position += n;
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
