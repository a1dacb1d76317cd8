package dev.steward.relay.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.io.ByteArrayPool;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolBufferTest {

    @TempDir
    Path spill;

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** Writes {@code bytes} in pieces of {@code piece}, as the DATA reader does. */
    private static void write(SpoolBuffer spool, byte[] bytes, int piece) throws Exception {
        for (int at = 0; at < bytes.length; at += piece) {
            spool.write(bytes, at, Math.min(piece, bytes.length - at));
        }
    }

    private static byte[] content(SpoolBuffer spool) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        spool.writeTo(out, 0);
        return out.toByteArray();
    }

    @Test
    void aSmallMessageStaysInTheSessionsOwnArray() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(64 * 1024, 4);
        SpoolBuffer spool = new SpoolBuffer(64 * 1024, spill, pool);
        byte[] small = spool.memory();
        write(spool, pattern(5000), 700);
        assertThat(spool.memory()).isSameAs(small);
        assertThat(content(spool)).isEqualTo(pattern(5000));
        spool.reset();
        assertThat(pool.kept()).isZero();
    }

    @Test
    void aLargerMessageTakesAPooledArrayKeepsEveryByteAndGivesTheArrayBack() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(64 * 1024, 4);
        SpoolBuffer spool = new SpoolBuffer(64 * 1024, spill, pool);
        byte[] message = pattern(40_000);
        write(spool, message, 3000); // crosses the 8 KiB array mid-write
        assertThat(spool.inMemory()).isTrue();
        assertThat(spool.memoryLength()).isEqualTo(40_000);
        assertThat(spool.memory()).hasSize(64 * 1024);
        assertThat(Arrays.copyOf(spool.memory(), spool.memoryLength())).isEqualTo(message);
        byte[] pooled = spool.memory();
        spool.reset();
        assertThat(pool.kept()).isEqualTo(1);
        assertThat(spool.memory()).hasSize(8192);

        // The next large message gets the same array, without the last one's bytes showing.
        write(spool, pattern(9000), 9000);
        assertThat(spool.memory()).isSameAs(pooled);
        assertThat(content(spool)).isEqualTo(pattern(9000));
    }

    @Test
    void contentBeyondTheMemoryLimitSpillsToAFileAndReadsBackInOrder() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(16 * 1024, 4);
        SpoolBuffer spool = new SpoolBuffer(16 * 1024, spill, pool);
        byte[] message = pattern(50_000);
        write(spool, message, 4096);
        assertThat(spool.inMemory()).isFalse();
        assertThat(spool.size()).isEqualTo(50_000);
        assertThat(content(spool)).isEqualTo(message);
        spool.reset();
        try (var files = Files.list(spill)) {
            assertThat(files).isEmpty();
        }
        assertThat(pool.kept()).isEqualTo(1);
    }

    @Test
    void aLimitBelowEightKibNeverTakesAPooledArray() throws Exception {
        ByteArrayPool pool = new ByteArrayPool(8192, 4);
        SpoolBuffer spool = new SpoolBuffer(100, spill, pool);
        write(spool, pattern(300), 64);
        assertThat(spool.memoryLength()).isEqualTo(100);
        assertThat(content(spool)).isEqualTo(pattern(300));
        spool.reset();
        assertThat(pool.kept()).isZero();
    }

    @Test
    void refusesAPoolOfArraysShorterThanTheLimit() {
        assertThatThrownBy(() -> new SpoolBuffer(64 * 1024, spill, new ByteArrayPool(32 * 1024, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than the memory limit");
    }
}
