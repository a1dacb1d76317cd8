package dev.steward.smtp.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds line ends in message content eight octets at a time: the scans that {@link DataReader}
 * (end of data, on the intake) and {@link DotStuffingOutputStream} (stuffing, on delivery) make
 * over every octet of every message.
 *
 * <p>A message's lines are mostly text between line ends, so both scanners spend their time
 * looking for the next CR or LF. Reading the content as little-endian {@code long}s and testing
 * the eight octets of each with a few arithmetic operations ("SWAR": SIMD within a register)
 * costs about one operation per octet where a loop over octets costs a load, two compares and a
 * branch. The tests are exact per octet (no carry crosses from one octet to the next), so the
 * first flagged octet is the first line end, and octets with the high bit set (0x8D, 0x8A) are
 * never taken for CR or LF.
 *
 * <p>Thread safety: stateless.
 */
final class LineEnds {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private LineEnds() {
    }

    /** The index of the first CR or LF in {@code bytes[from, to)}, or {@code to} when there is none. */
    static int next(byte[] bytes, int from, int to) {
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            long found = zeroOctets(word ^ CRS) | zeroOctets(word ^ LFS);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte octet = bytes[i];
            if (octet == CR || octet == LF) {
                return i;
            }
        }
        return to;
    }

    /** Whether an octet of {@code bytes[from, to)} has its high bit set (is not 7-bit). */
    static boolean anyEightBit(byte[] bytes, int from, int to) {
        long words = 0;
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            words |= (long) LONGS.get(bytes, i);
        }
        int octets = 0;
        for (; i < to; i++) {
            octets |= bytes[i];
        }
        return (words & HIGH_BITS) != 0 || octets < 0;
    }

    /**
     * The high bit of each octet of the result is set exactly where that octet of {@code x} is
     * zero; every other bit is clear. Adding 0x7F to the low seven bits of an octet carries into
     * its high bit unless they are all zero, and never beyond it.
     */
    private static long zeroOctets(long x) {
        return ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
    }
}
