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
        assertThat(header.getInt()).isEqualTo(JournalRecord.MAGIC);
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
