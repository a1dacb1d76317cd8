package dev.steward.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DataSizeTest {

    private static final String NOT_A_SIZE =
            "not a size: write a number with a unit such as \"25MiB\", \"64KiB\" or \"10MB\"";

    @ParameterizedTest(name = "\"{0}\" = {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
            0                    | 0
            4096                 | 4096
            4096B                | 4096
            4096b                | 4096
            1KB                  | 1000
            1kb                  | 1000
            1K                   | 1000
            1k                   | 1000
            64KiB                | 65536
            64kib                | 65536
            64KIB                | 65536
            10MB                 | 10000000
            10M                  | 10000000
            10m                  | 10000000
            25MiB                | 26214400
            25mib                | 26214400
            2GB                  | 2000000000
            2G                   | 2000000000
            2g                   | 2000000000
            1GiB                 | 1073741824
            1gib                 | 1073741824
            0GiB                 | 0
            007KiB               | 7168
            '25 MiB'             | 26214400
            '25   MiB'           | 26214400
            '  25MiB  '          | 26214400
            '\\t25MiB\\n'        | 26214400
            """)
    void parse_everyUnit_givesBytes(String text, long bytes) {
        assertThat(DataSize.parse(text.replace("\\t", "\t").replace("\\n", "\n")).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\" = {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
            9223372036854775807        | 9223372036854775807
            9223372036854775807B       | 9223372036854775807
            0009223372036854775807     | 9223372036854775807
            8589934591GiB              | 9223372035781033984
            8796093022207MiB           | 9223372036853727232
            9223372036854775KB         | 9223372036854775000
            9223372036GB               | 9223372036000000000
            """)
    void parse_largestValues_accepted(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(textBlock = """
            9223372036854775808
            9223372036854775808B
            99999999999999999999999999999999
            8589934592GiB
            8796093022208MiB
            9223372036854776KB
            9223372037GB
            999999999999999999GB
            """)
    void parse_overflow_sizeTooLarge(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size too large");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            ''
            '   '
            MiB
            -1
            -1MiB
            +1MiB
            1.5MiB
            '1,000'
            1_000
            0x10
            25MiB!
            '25 M iB'
            25MiB2
            ٣MiB
            """)
    void parse_badSyntax_notASize(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(NOT_A_SIZE);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            25parsecs     | parsecs
            '25 parsecs'  | parsecs
            1TB           | TB
            1TiB          | TiB
            1Ki           | Ki
            1bytes        | bytes
            1MBB          | MBB
            99999999999999999999TB | TB
            """)
    void parse_unknownUnit_namesTheUnitAndListsAccepted(String text, String unit) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown unit \"" + unit + "\": use B, KB, KiB, MB, MiB, GB or GiB");
    }

    @Test
    void constructor_negative_refused() {
        assertThatThrownBy(() -> new DataSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative size: -1");
        assertThatThrownBy(() -> DataSize.ofBytes(Long.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative size: -9223372036854775808");
        assertThatThrownBy(() -> DataSize.ofMebibytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative size: -1048576");
    }

    @ParameterizedTest(name = "{0} MiB = {1} bytes")
    @CsvSource(textBlock = """
            0,             0
            1,             1048576
            25,            26214400
            8796093022207, 9223372036853727232
            """)
    void ofMebibytes_inRange_multiplies(long mebibytes, long bytes) {
        assertThat(DataSize.ofMebibytes(mebibytes)).isEqualTo(DataSize.ofBytes(bytes));
    }

    @Test
    void ofMebibytes_overflow_throwsArithmetic() {
        assertThatThrownBy(() -> DataSize.ofMebibytes(8796093022208L)).isInstanceOf(ArithmeticException.class);
    }

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource(textBlock = """
            0,                   0B
            1,                   1B
            77,                  77B
            999,                 999B
            1000,                1KB
            1023,                1023B
            1024,                1KiB
            1536,                1536B
            2000,                2KB
            65536,               64KiB
            512000,              512KB
            1000000,             1MB
            1024000,             1024KB
            1048576,             1MiB
            10112000,            9875KiB
            16000000,            16MB
            26214400,            25MiB
            1000000000,          1GB
            1024000000,          1024MB
            1048576000,          1000MiB
            1073741824,          1GiB
            2000000000,          2GB
            1099511627776,       1024GiB
            9223372035781033984, 8589934591GiB
            9223372036854775000, 9223372036854775KB
            9223372036854775807, 9223372036854775807B
            """)
    void toString_anySize_shortestExactForm(long bytes, String text) {
        assertThat(DataSize.ofBytes(bytes)).hasToString(text);
    }

    static Stream<Long> roundTripSizes() {
        LongStream small = LongStream.concat(LongStream.rangeClosed(0, 20), LongStream.rangeClosed(990, 1030));
        LongStream units = LongStream.of(1000, 1024, 1000_000, 1L << 20, 1000_000_000, 1L << 30)
                .flatMap(unit -> LongStream.of(1, 2, 3, 7, 10, 125, 999, 1000, 1023, 1024, 1025, 4096)
                        .flatMap(count -> LongStream.of(unit * count - 1, unit * count, unit * count + 1)));
        LongStream edges = LongStream.of(10112000, 8589934591L << 30, Long.MAX_VALUE - 1, Long.MAX_VALUE);
        return LongStream.concat(LongStream.concat(small, units), edges).boxed();
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("roundTripSizes")
    void toString_thenParse_sameSize(long bytes) {
        DataSize size = DataSize.ofBytes(bytes);

        assertThat(DataSize.parse(size.toString())).isEqualTo(size);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(textBlock = """
            1000B,    1KB
            1024B,    1KiB
            1024KiB,  1MiB
            1000KB,   1MB
            1000MB,   1GB
            1024MiB,  1GiB
            1000KiB,  1024KB
            2048KiB,  2MiB
            2048K,    2048KB
            '25 mib', 25MiB
            """)
    void parse_thenToString_canonicalForm(String text, String canonical) {
        assertThat(DataSize.parse(text)).hasToString(canonical);
    }
}
