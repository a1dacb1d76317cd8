package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Language;
import dev.steward.control.core.change.PackageChangeKind;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private final Messages messages = new Messages();

    @Test
    void bothLanguages_haveTheSameKeys() {
        assertThat(messages.keys(Language.NL)).isNotEmpty().isEqualTo(messages.keys(Language.EN));
    }

    @Test
    void everyPackageChange_hasANameAndAnExplanation() {
        for (PackageChangeKind kind : PackageChangeKind.values()) {
            assertThat(messages.has("kind." + kind.code())).as(kind.code()).isTrue();
            assertThat(messages.has("explain." + kind.code())).as(kind.code()).isTrue();
        }
    }

    @Test
    void everyDnsFindingCode_isWordedInBothLanguages() {
        for (String code : dev.steward.dnscheck.Finding.CODES) {
            assertThat(messages.has("dns.code." + code)).as(code).isTrue();
        }
        assertThat(messages.keys(Language.EN).stream().filter(key -> key.startsWith("dns.code."))
                .map(key -> key.substring("dns.code.".length())))
                .as("no text for a code that does not exist").allMatch(dev.steward.dnscheck.Finding.CODES::contains);
    }

    @Test
    void placeholders_andMissingKeys() {
        assertThat(messages.format(Language.NL, "fleet.total", 42)).isEqualTo("42 servers gevonden");
        assertThat(messages.get(Language.EN, "no.such.key")).isEqualTo("??no.such.key??");
    }
}
