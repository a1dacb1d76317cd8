package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8461 §3.1: which {@code _mta-sts} TXT record counts, and its grammar. */
class MtaStsRecordTest {

    /** Several TXT records in one table cell, separated by {@code " | "}; spaces inside a record are kept. */
    private static List<String> records(String cell) {
        return Arrays.asList(cell.split(" \\| "));
    }

    /** TXT records separated by {@code |}; the expected id, or {@code -} for none. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', textBlock = """
            v=STSv1; id=20160831085700Z;                       # 20160831085700Z
            v=STSv1; id=20160831085700Z                        # 20160831085700Z
            v=STSv1;id=abc                                     # abc
            `v=STSv1;  id=abc ;  `                             # abc
            `v=STSv1;\tid=abc\t;`                              # abc
            v=STSv1; id=abc; ext=value; other.ext-1=x          # abc
            v=STSv1; ext=value; id=abc                         # abc
            v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345       # abcdefghijklmnopqrstuvwxyz012345
            v=spf1 -all | v=STSv1; id=one                      # one
            v=STSv1; id=one | something else | v=DMARC1       # one
            v=STSv1; id=one | v=STSv1; id=two                  # -
            v=STSv1; id=one | v=STSv1; id=one                  # -
            v=spf1 -all                                        # -
            `v=STSv1 ;id=abc`                                  # -
            V=STSv1; id=abc                                    # -
            v=STSv10; id=abc                                   # -
            v=STSv1;                                           # -
            v=STSv1; id=                                       # -
            v=STSv1; id=abc-def                                # -
            v=STSv1; id=abcdefghijklmnopqrstuvwxyz0123456      # -
            v=STSv1; id=a; id=b                                # -
            v=STSv1; ext=value                                 # -
            v=STSv1; id=abc;; ext=x                            # -
            v=STSv1; id=abc; ext=a b                           # -
            v=STSv1; id=abc; ext=a=b                           # -
            v=STSv1; id=abc; =x                                # -
            v=STSv1; id=abc; ext                               # -
            """)
    void select_table(String records, String expectedId) {
        MtaStsRecord.Selected selected = MtaStsRecord.select(records(records));
        if (expectedId.equals("-")) {
            assertThat(selected).isInstanceOf(MtaStsRecord.Selected.NotFound.class);
        } else {
            assertThat(selected).isEqualTo(new MtaStsRecord.Selected.Found(new MtaStsRecord(expectedId)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            v=spf1 -all                         # no TXT record begins with "v=STSv1;"
            v=STSv1; id=a | v=STSv1; id=b       # 2 TXT records begin with "v=STSv1;" (RFC 8461 §3.1: exactly one)
            v=STSv1; ext=x                      # invalid MTA-STS TXT record: no id field
            v=STSv1; id=a; id=b                 # invalid MTA-STS TXT record: id given twice
            v=STSv1; id=a-b                     # invalid MTA-STS TXT record: the id must be 1 to 32 letters and digits
            """)
    void select_reasons(String records, String reason) {
        assertThat(MtaStsRecord.select(records(records))).isEqualTo(new MtaStsRecord.Selected.NotFound(reason));
    }
}
