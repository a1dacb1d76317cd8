package dev.steward.dnscheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordChangeTest {

    @Test
    void txt_splitAt255Octets_neverInsideACharacter() {
        String value = "a".repeat(254) + "é" + "b".repeat(10);

        RecordChange record = RecordChange.publish("x.test", "txt", value);

        assertThat(record.type()).isEqualTo("TXT");
        assertThat(record.strings()).containsExactly("a".repeat(254), "é" + "b".repeat(10));
        assertThat(record.isSplit()).isTrue();
    }

    @Test
    void zoneFileLine_quotesAndEscapesTxt_dotsHostNames() {
        assertThat(RecordChange.publish("x.test", "TXT", "say \"hi\"").zoneFileLine())
                .isEqualTo("x.test. IN TXT \"say \\\"hi\\\"\"");
        assertThat(RecordChange.remove("x.test", "CNAME", "srv.test").zoneFileLine()).isEqualTo("x.test. IN CNAME srv.test.");
        assertThat(RecordChange.publish("x.test", "AAAA", "2001:db8::1").zoneFileLine()).isEqualTo("x.test. IN AAAA 2001:db8::1");
        assertThat(RecordChange.publish("x.test", "TXT", "short").strings()).containsExactly("short");
    }
}
