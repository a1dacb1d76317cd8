package dev.steward.relay.queue;

import dev.steward.common.io.ByteArrayPool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One record of the intake journal, as bytes.
 *
 * <pre>
 * header   magic "SJR2" (4) | payload length, big-endian (4) | check (4)
 * payload  kind (1) | id length (1) | id (ASCII) | .env length (4) | .env bytes | .msg bytes
 * </pre>
 *
 * <p><b>Sealed for its segment.</b> The check of a version-2 record is the CRC32C of its payload
 * XOR {@link #mix} of the number of the segment it was appended to ({@link #seal}). Segment
 * files are recycled: a checkpointed segment's file becomes the next spare and is overwritten
 * from its start (see {@link IntakeJournal}), so behind the last record of a segment may lie
 * whole, CRC-correct records of the segment the file was before. Sealed with another number, they
 * do not pass as this segment's ({@link #validity}): replay stops there as it stops at a torn
 * tail. PostgreSQL does the same with the address every WAL page names ({@code xlp_pageaddr}).
 * {@link #encode} and {@link #encodeMessage} build version 1 (magic "SJR1", the check is the
 * payload's CRC alone), the format of releases before recycling, which replay still reads; the
 * journal seals every record it appends, and never recycles a segment it did not write itself.
 *
 * Kind {@link #MESSAGE} carries a committed message: the {@code .env} bytes exactly as
 * {@link EnvelopeFile#encode()} wrote them for the initial state, and the whole {@code .msg}.
 * Kind {@link #STATE} carries a later state of a message that is still in the journal: the new
 * {@code .env} bytes, and in place of the {@code .msg} the name of its state directory (ASCII,
 * for example {@code deferred}). Kind {@link #CANCEL} (empty {@code .env} and {@code .msg}) says
 * that the message of an earlier record is gone (delivered, deleted, or refused after all), so
 * replay must not bring it back.
 *
 * <p>Thread safety: immutable.
 *
 * @param kind {@link #MESSAGE}, {@link #STATE} or {@link #CANCEL}
 */
record JournalRecord(byte kind, QueueId id, byte[] env, byte[] msg) {

    /** A record sealed for its segment ({@link #seal}). */
    static final int MAGIC = 0x534A5232; // "SJR2"
    /** A record whose check is its payload's CRC alone: unsealed, or written by an earlier release. */
    static final int MAGIC_V1 = 0x534A5231; // "SJR1"
    static final int HEADER = 12;
    /** Odd, so multiplying by it is a bijection of the ints; {@link #UNMIX} is its inverse mod 2^32. */
    private static final int MIX = 0x9E3779B1;
    private static final int UNMIX = 0x0E8B2F51;
    static final byte MESSAGE = 1;
    static final byte CANCEL = 2;
    static final byte STATE = 3;

    static JournalRecord message(QueueId id, byte[] env, byte[] msg) {
        return new JournalRecord(MESSAGE, id, env, msg);
    }

    static JournalRecord state(QueueId id, byte[] env, String state) {
        return new JournalRecord(STATE, id, env, state.getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the {@code .env} bytes start, counted from the start of the record's header. */
    static int envOffset(QueueId id) {
        return HEADER + 2 + id.value().length() + 4;
    }

    /** The state directory name of a {@link #STATE} record. */
    String stateName() {
        return new String(msg, StandardCharsets.US_ASCII);
    }

    static JournalRecord cancel(QueueId id) {
        return new JournalRecord(CANCEL, id, new byte[0], new byte[0]);
    }

    /** Bytes of the payload of a record for {@code id} with these sizes. */
    static long payloadSize(QueueId id, long envSize, long msgSize) {
        return 2L + id.value().length() + 4 + envSize + msgSize;
    }

    /** Header and payload, ready to append (cancel records, tests). */
    ByteBuffer encode() {
        byte[] idBytes = id.value().getBytes(StandardCharsets.US_ASCII);
        int payload = (int) payloadSize(id, env.length, msg.length);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload);
        buffer.putInt(MAGIC_V1).putInt(payload).putInt(0);
        buffer.put(kind).put((byte) idBytes.length).put(idBytes).putInt(env.length).put(env).put(msg);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), HEADER, payload);
        buffer.putInt(8, (int) crc.getValue());
        return buffer.flip();
    }

    /**
     * A {@link #MESSAGE} record built in one array, the content written straight into it (no
     * intermediate copies: at 64 KiB and the relay's small heap, copies cost measurable GC).
     *
     * @param bytes     header and payload in {@code [0, length)}; the array may be longer (a pooled one)
     * @param length    the record's bytes
     * @param msgOffset where the {@code .msg} bytes start in {@code bytes}
     * @param msgLength how many there are
     */
    record Encoded(byte[] bytes, int length, int msgOffset, int msgLength) {

        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes, 0, length);
        }
    }

    /**
     * Encodes a message record into an array of {@code arrays} when the record fits one (the
     * caller gives it back once the record is written), else into a new array of its length;
     * {@code content} must write exactly {@code content.size()} bytes, otherwise this throws
     * {@link IOException} naming the difference (and has given the array back).
     */
    static Encoded encodeMessage(QueueId id, byte[] env, MessageContent content, ByteArrayPool arrays) throws IOException {
        byte[] idBytes = id.value().getBytes(StandardCharsets.US_ASCII);
        long declared = content.size();
        long payloadSize = payloadSize(id, env.length, declared);
        if (payloadSize > Integer.MAX_VALUE - HEADER) {
            throw new IOException("message of " + declared + " bytes is too large for a journal record");
        }
        int payload = (int) payloadSize;
        int length = HEADER + payload;
        byte[] bytes = length <= arrays.length() ? arrays.take() : new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        buffer.putInt(MAGIC_V1).putInt(payload).putInt(0);
        buffer.put(MESSAGE).put((byte) idBytes.length).put(idBytes).putInt(env.length).put(env);
        int msgOffset = buffer.position();
        ArrayOutput out = new ArrayOutput(bytes, msgOffset, length);
        try {
            content.writeTo(out);
            if (out.position != length) {
                throw new IOException("message content wrote " + (out.position - msgOffset) + " bytes but declared " + declared);
            }
        } catch (IOException | RuntimeException e) {
            arrays.give(bytes);
            throw e;
        }
        buffer.putInt(8, crc(bytes, HEADER, payload));
        return new Encoded(bytes, length, msgOffset, (int) declared);
    }

    /** Writes into a fixed array; refuses to write past its end. */
    private static final class ArrayOutput extends OutputStream {

        private final byte[] bytes;
        private final int end; // the record's end: nothing is written at or past it
        private int position;  // next byte to write

        ArrayOutput(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            if (length > end - position) {
                throw new IOException("message content wrote more than the declared bytes");
            }
            System.arraycopy(source, offset, bytes, position, length);
            position += length;
        }
    }

    /**
     * Seals the unsealed record that starts at {@code at} in {@code record} for the segment numbered
     * {@code segment}: version-2 magic, and the check XOR {@code mix(segment)}. {@link #unseal}
     * undoes it (the journal gives its caller's buffer back as it was).
     */
    static void seal(ByteBuffer record, int at, long segment) {
        record.putInt(at, MAGIC).putInt(at + 8, record.getInt(at + 8) ^ mix(segment));
    }

    static void unseal(ByteBuffer record, int at, long segment) {
        record.putInt(at, MAGIC_V1).putInt(at + 8, record.getInt(at + 8) ^ mix(segment));
    }

    /**
     * The segment number spread over the check's 32 bits: neighbouring numbers differ in many
     * bits, so a check with a bit or two flipped does not pass for a neighbouring segment's seal.
     */
    static int mix(long segment) {
        return (int) segment * MIX;
    }

    /** Whether {@code magic} starts a record of either version. */
    static boolean isMagic(int magic) {
        return magic == MAGIC || magic == MAGIC_V1;
    }

    /** What a record with a known magic and length is to the reader of segment number {@code segment}. */
    enum Validity {
        /** This segment's record (or, version 1, a record whose CRC matches). */
        VALID,
        /** A whole record sealed for an earlier segment: what a recycled file held before, not damage. */
        STALE,
        /** Neither: a torn or damaged record. */
        DAMAGED
    }

    /**
     * {@code check} is the header's check, {@code payloadCrc} the CRC32C of the payload as read.
     * A version-2 record sealed with a number below {@code segment} (and above zero) is
     * {@link Validity#STALE}; a damaged check has a chance of about {@code segment} in 2^32 to
     * look like one.
     */
    static Validity validity(int magic, int check, int payloadCrc, long segment) {
        if (magic == MAGIC_V1) {
            return check == payloadCrc ? Validity.VALID : Validity.DAMAGED;
        }
        if (magic != MAGIC || segment <= 0) {
            return Validity.DAMAGED;
        }
        int sealedFor = (check ^ payloadCrc) * UNMIX;
        if (sealedFor == (int) segment) {
            return Validity.VALID;
        }
        return sealedFor > 0 && sealedFor < segment ? Validity.STALE : Validity.DAMAGED;
    }

    /** CRC32C of {@code length} bytes of {@code bytes} from {@code offset}, as stored in a header. */
    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** The most bytes a payload's head takes: kind (1), id length (1), id (at most 255), envelope length (4). */
    static final int MAX_HEAD = 1 + 1 + 255 + 4;

    /**
     * The head of a payload: its kind and id, and where its envelope and content lie, counted
     * from the payload's first byte.
     */
    record Head(byte kind, QueueId id, int envOffset, int envLength, int msgOffset, int msgLength) {
    }

    /**
     * Parses the head of a payload of {@code length} bytes whose CRC matched; {@code head} holds
     * its first bytes (at least {@link #MAX_HEAD}, or all of a shorter payload) from its position.
     *
     * @throws CorruptQueueFileException when the payload is not a well-formed record (a CRC match
     *     makes that a bug or a foreign file, not a torn write)
     */
    static Head decodeHead(ByteBuffer head, int length) throws CorruptQueueFileException {
        int start = head.position();
        try {
            byte kind = head.get();
            if (kind != MESSAGE && kind != CANCEL && kind != STATE) {
                throw new CorruptQueueFileException("unknown record kind " + kind);
            }
            byte[] idBytes = new byte[head.get() & 0xff];
            head.get(idBytes);
            QueueId id = QueueId.parse(new String(idBytes, StandardCharsets.US_ASCII));
            int envLength = head.getInt();
            int envOffset = head.position() - start;
            if (envLength < 0 || envLength > length - envOffset) {
                throw new CorruptQueueFileException("envelope length " + envLength + " exceeds the record");
            }
            int msgOffset = envOffset + envLength;
            return new Head(kind, id, envOffset, envLength, msgOffset, length - msgOffset);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptQueueFileException("malformed journal record: " + e, e);
        }
    }

    /**
     * Parses a payload whose CRC matched.
     *
     * @throws CorruptQueueFileException when the payload is not a well-formed record
     */
    static JournalRecord decodePayload(byte[] bytes, int offset, int length) throws CorruptQueueFileException {
        Head head = decodeHead(ByteBuffer.wrap(bytes, offset, length), length);
        return new JournalRecord(head.kind(), head.id(),
                Arrays.copyOfRange(bytes, offset + head.envOffset(), offset + head.msgOffset()),
                Arrays.copyOfRange(bytes, offset + head.msgOffset(), offset + length));
    }
}
