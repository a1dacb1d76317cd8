package dev.steward.relay.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads {@code length} bytes of a file channel from its current position, then reports the end;
 * closing the stream closes the channel. Used to read a message that lives in a journal segment:
 * the channel stays valid even if the checkpointer deletes the segment meanwhile (POSIX unlink).
 *
 * <p>Thread safety: single-threaded.
 */
final class BoundedChannelStream extends InputStream {

    private final FileChannel channel;
    private long remaining; // bytes still to read

    BoundedChannelStream(FileChannel channel, long length) {
        this.channel = channel;
        this.remaining = length;
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
        int n = channel.read(ByteBuffer.wrap(bytes, offset, wanted));
        if (n < 0) {
            throw new IOException("journal segment ends " + remaining + " bytes before the message does");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
