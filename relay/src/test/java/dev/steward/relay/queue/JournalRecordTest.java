package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.io.ByteArrayPool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JournalRecordTest {

    private static final QueueId ID = QueueId.parse("0MIHX3Q8G0000AB");
    private static final byte[] ENV = "envelope".getBytes(StandardCharsets.US_ASCII);

    /** The record as the journal gets it, decoded back after its CRC is checked. */
    private static JournalRecord decode(JournalRecord.Encoded encoded) throws Exception {
        ByteBuffer record = encoded.buffer();
        assertThat(record.remaining()).isEqualTo(encoded.length());
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        ByteBuffer header = ByteBuffer.wrap(bytes);
        assertThat(header.getInt()).isEqualTo(JournalRecord.MAGIC_V1); // unsealed until the journal appends it
        int payload = header.getInt();
        assertThat(JournalRecord.HEADER + payload).isEqualTo(bytes.length);
        assertThat(header.getInt()).isEqualTo(JournalRecord.crc(bytes, JournalRecord.HEADER, payload));
        return JournalRecord.decodePayload(bytes, JournalRecord.HEADER, payload);
    }

    @Test
    void aRecordThatFitsIsWrittenIntoAPooledArrayAndReadsBackWhole() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(4096, 2);
        byte[] msg = TestMessages.bytes(1000);
        JournalRecord.Encoded encoded = JournalRecord.encodeMessage(ID, ENV, TestMessages.content(msg), pool);
        assertThat(encoded.bytes()).hasSize(4096);
        JournalRecord decoded = decode(encoded);
        assertThat(decoded.id()).isEqualTo(ID);
        assertThat(decoded.env()).isEqualTo(ENV);
        assertThat(decoded.msg()).isEqualTo(msg);
        assertThat(encoded.msgLength()).isEqualTo(1000);
        assertThat(ByteBuffer.wrap(encoded.bytes(), encoded.msgOffset(), encoded.msgLength())).isEqualTo(ByteBuffer.wrap(msg));
    }

    @Test
    void aReusedArrayCarriesNothingOfTheRecordBefore() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(4096, 1);
        JournalRecord.Encoded large = JournalRecord.encodeMessage(ID, ENV, TestMessages.content(TestMessages.bytes(3000)), pool);
        pool.give(large.bytes());
        JournalRecord.Encoded small = JournalRecord.encodeMessage(ID, ENV, TestMessages.content("short\r\n"), pool);
        assertThat(small.bytes()).isSameAs(large.bytes());
        assertThat(decode(small).msg()).asString(StandardCharsets.US_ASCII).isEqualTo("short\r\n");
    }

    @Test
    void aRecordLargerThanThePoolsArraysGetsAnArrayOfItsOwnLength() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(512, 1);
        byte[] msg = TestMessages.bytes(2000);
        JournalRecord.Encoded encoded = JournalRecord.encodeMessage(ID, ENV, TestMessages.content(msg), pool);
        assertThat(encoded.bytes()).hasSize(encoded.length());
        assertThat(decode(encoded).msg()).isEqualTo(msg);
    }

    @Test
    void aSealedRecordIsValidForItsSegmentOnly_staleForLaterOnes_damagedForEarlierOnes() {
        ByteBuffer record = JournalRecord.message(ID, ENV, TestMessages.bytes(300)).encode();
        byte[] unsealed = record.array().clone();
        int payload = record.getInt(4);
        int crc = JournalRecord.crc(unsealed, JournalRecord.HEADER, payload);
        JournalRecord.seal(record, 0, 7);
        assertThat(record.getInt(0)).isEqualTo(JournalRecord.MAGIC);
        int check = record.getInt(8);
        assertThat(check).isNotEqualTo(crc);
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc, 7)).isEqualTo(JournalRecord.Validity.VALID);
        // In segment 8 or later it is what a recycled file held before: the end of that segment's records.
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc, 8)).isEqualTo(JournalRecord.Validity.STALE);
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc, 1_000_000)).isEqualTo(JournalRecord.Validity.STALE);
        // Segments are numbered upwards: a record sealed for a later one is never behind an earlier one's end.
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc, 6)).isEqualTo(JournalRecord.Validity.DAMAGED);
        // A changed payload, or a check with one bit flipped, is damage whatever the segment.
        for (int bit = 0; bit < 32; bit++) {
            assertThat(JournalRecord.validity(JournalRecord.MAGIC, check ^ (1 << bit), crc, 7)).isEqualTo(JournalRecord.Validity.DAMAGED);
            assertThat(JournalRecord.validity(JournalRecord.MAGIC, check ^ (1 << bit), crc, 1_000)).isEqualTo(JournalRecord.Validity.DAMAGED);
        }
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc + 1, 7)).isEqualTo(JournalRecord.Validity.DAMAGED);
        // A name that is no segment's (0) takes no sealed record.
        assertThat(JournalRecord.validity(JournalRecord.MAGIC, check, crc, 0)).isEqualTo(JournalRecord.Validity.DAMAGED);
        JournalRecord.unseal(record, 0, 7);
        assertThat(record.array()).isEqualTo(unsealed);
    }

    @Test
    void anUnsealedRecord_theFormatBeforeSealing_isValidByItsCrcInAnySegment() {
        ByteBuffer record = JournalRecord.cancel(ID).encode();
        int crc = JournalRecord.crc(record.array(), JournalRecord.HEADER, record.getInt(4));
        assertThat(record.getInt(0)).isEqualTo(JournalRecord.MAGIC_V1);
        for (long segment : new long[] {0, 1, 42}) {
            assertThat(JournalRecord.validity(JournalRecord.MAGIC_V1, record.getInt(8), crc, segment)).isEqualTo(JournalRecord.Validity.VALID);
            assertThat(JournalRecord.validity(JournalRecord.MAGIC_V1, record.getInt(8) ^ 1, crc, segment)).isEqualTo(JournalRecord.Validity.DAMAGED);
        }
    }

    @Test
    void neighbouringSegmentNumbersSealDifferentlyInManyBits() {
        for (long segment = 1; segment < 10_000; segment++) {
            assertThat(Integer.bitCount(JournalRecord.mix(segment) ^ JournalRecord.mix(segment + 1))).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void contentShorterOrLongerThanDeclaredFailsAndTheArrayGoesBack() {
        ByteArrayPool pool = new ByteArrayPool(4096, 2);
        assertThatThrownBy(() -> JournalRecord.encodeMessage(ID, ENV, declaring(100, 60), pool))
                .isInstanceOf(IOException.class).hasMessageContaining("wrote 60 bytes but declared 100");
        assertThat(pool.kept()).isEqualTo(1);
        assertThatThrownBy(() -> JournalRecord.encodeMessage(ID, ENV, declaring(100, 140), pool))
                .isInstanceOf(IOException.class).hasMessageContaining("more than the declared bytes");
        assertThat(pool.kept()).isEqualTo(1); // the same array, taken and given back again
        assertThatThrownBy(() -> JournalRecord.encodeMessage(ID, ENV, TestMessages.failing("spool unreadable"), pool))
                .isInstanceOf(IOException.class).hasMessage("spool unreadable");
        assertThat(pool.kept()).isEqualTo(1);
    }

    /** Content that says it has {@code declared} bytes and writes {@code written}. */
    private static MessageContent declaring(long declared, int written) {
        return new MessageContent() {
            @Override
            public long size() {
                return declared;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(new byte[written]);
            }
        };
    }
}
