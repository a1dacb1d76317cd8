package dev.steward.control.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CustomerTest {

    @Test
    void of_defaultsToBrussels() {
        Customer customer = Customer.of("Jouw Firma BV", List.of("it@jouwfirma.be"), Language.NL);
        assertThat(customer.timeZone().getId()).isEqualTo("Europe/Brussels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-at-sign", "a@b", "a b@example.be", "@example.be", "a@-example.be"})
    void contacts_invalid(String contact) {
        assertThatThrownBy(() -> Customer.of("X", List.of(contact), Language.EN))
                .hasMessageContaining("not a contact address");
    }

    @Test
    void contacts_repeated_refused() {
        assertThatThrownBy(() -> Customer.of("X", List.of("a@example.be", "A@example.be"), Language.EN))
                .hasMessageContaining("must not repeat");
    }

    @Test
    void contacts_required() {
        assertThatThrownBy(() -> Customer.of("X", List.of(), Language.EN)).hasMessageContaining("at least one");
    }

    @ParameterizedTest
    @CsvSource({"nl, NL", "EN, EN", " en , EN"})
    void language_fromCode(String code, Language language) {
        assertThat(Language.fromCode(code)).isEqualTo(language);
    }

    @Test
    void language_unknown_refused() {
        assertThatThrownBy(() -> Language.fromCode("fr")).hasMessageContaining("nl or en");
    }
}
