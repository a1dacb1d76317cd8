package dev.steward.relay.queue;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * A queue id: 15 characters of {@code [0-9A-Z]} (parsing accepts 12 to 16), the file name stem of
 * {@code ID.msg} and {@code ID.env} and the {@code queue_id} of every log line.
 *
 * <p>Layout of ids made by {@link #next()}: 9 base-36 digits of milliseconds since the epoch
 * (enough until the year 5188), 4 base-36 digits of a per-millisecond sequence, and 2 base-36
 * digits of a nonce chosen once per process. The fixed width and the ASCII order of the digit set
 * make the string order the arrival order. Within a process ids are strictly increasing even if
 * the wall clock steps back; across restarts the nonce, and {@link QueueStore#commit}'s check for
 * an existing file, keep a clock step-back from reusing an id.
 *
 * <p>Thread safety: immutable; {@link #next()} is thread-safe.
 */
public record QueueId(String value) implements Comparable<QueueId> {

    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 16;

    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int TIME_DIGITS = 9;
    private static final int SEQUENCE_DIGITS = 4;
    private static final int SEQUENCE_LIMIT = 36 * 36 * 36 * 36;
    private static final String NONCE = encode(new SecureRandom().nextInt(36 * 36), 2);

    private static final Object LOCK = new Object();
    private static long lastMillis; // guarded by LOCK: the millisecond of the last id handed out
    private static int sequence; // guarded by LOCK: ids handed out in lastMillis so far

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (value.length() < MIN_LENGTH || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("queue id must be " + MIN_LENGTH + " to "
                    + MAX_LENGTH + " characters of [0-9A-Z], got " + value.length() + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException(
                        "queue id must be [0-9A-Z] only, got character " + (int) c + " at " + i);
            }
        }
    }

    /** Validates and wraps; throws {@link IllegalArgumentException} naming what is wrong. */
    public static QueueId parse(String text) {
        return new QueueId(text);
    }

    /** A new id, greater than every id this process made before. */
    public static QueueId next() {
        long millis;
        int seq;
        synchronized (LOCK) {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                sequence = 0;
            } else if (sequence == SEQUENCE_LIMIT) {
                // Clock stepped back or more than 1.6M ids in one millisecond: borrow the next one.
                lastMillis++;
                sequence = 0;
            }
            millis = lastMillis;
            seq = sequence++;
        }
        return new QueueId(encode(millis, TIME_DIGITS) + encode(seq, SEQUENCE_DIGITS) + NONCE);
    }

    private static String encode(long number, int width) {
        char[] text = new char[width];
        long rest = number;
        for (int i = width - 1; i >= 0; i--) {
            text[i] = DIGITS.charAt((int) (rest % 36));
            rest /= 36;
        }
        return new String(text);
    }

    @Override
    public int compareTo(QueueId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
