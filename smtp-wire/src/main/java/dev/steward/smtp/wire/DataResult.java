package dev.steward.smtp.wire;

import java.util.Objects;

/**
 * The outcome of reading one DATA body with {@link SmtpInput#readData}. Either way the input is
 * positioned just after the end-of-data line, so the next read is the client's next command.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface DataResult {

    /**
     * The whole body was read and written to the sink, unstuffed, with CRLF line ends.
     *
     * @param size     octets written to the sink
     * @param eightBit whether any content octet was 0x80 or above (for BODY=8BITMIME bookkeeping)
     */
    record Complete(long size, boolean eightBit) implements DataResult {
        public Complete {
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
        }
    }

    /**
     * The body was read to its end but must not be accepted. The sink holds an unusable prefix of
     * the content (never more than the size limit) and must be discarded.
     *
     * @param problem   the first problem seen
     * @param bytesRead octets consumed from the connection, end-of-data line included
     */
    record Refused(DataProblem problem, long bytesRead) implements DataResult {
        public Refused {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
