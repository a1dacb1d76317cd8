package dev.steward.relay.queue;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of the final message (RFC 5322, CRLF line ends, already signed): the intake builds
 * it from its prefix headers and the spooled DATA. {@link QueueStore#commit} calls
 * {@link #writeTo} once and refuses the message if the byte count differs from {@link #size()}.
 */
public interface MessageContent {

    /** The exact number of bytes {@link #writeTo} writes. */
    long size();

    /** Writes all bytes to {@code out}; must not close it. */
    void writeTo(OutputStream out) throws IOException;
}
