package dev.steward.relay.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * A session's replies not yet written to its non-blocking socket. Replies are added as they are
 * made and written in one go when the session waits for input (RFC 2920: one write per pipelined
 * group); what the socket does not take stays here until it is writable again.
 *
 * <p>Thread safety: single-threaded (the session's loop).
 */
final class ReplyBuffer {

    private byte[] bytes = new byte[512];
    private int start;   // first byte not yet written
    private int end;     // after the last byte added

    void add(byte[] reply) {
        if (end + reply.length > bytes.length) {
            if (start > 0) {
                System.arraycopy(bytes, start, bytes, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end + reply.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, end + reply.length));
            }
        }
        System.arraycopy(reply, 0, bytes, end, reply.length);
        end += reply.length;
    }

    /** Bytes added and not yet written. */
    int pending() {
        return end - start;
    }

    /** Writes what the channel takes now; true when nothing is left. */
    boolean writeTo(WritableByteChannel channel) throws IOException {
        if (start < end) {
            start += channel.write(ByteBuffer.wrap(bytes, start, end - start));
        }
        if (start < end) {
            return false;
        }
        start = 0;
        end = 0;
        return true;
    }
}
