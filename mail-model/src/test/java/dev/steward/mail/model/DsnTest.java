package dev.steward.mail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.Dsn.Action;
import dev.steward.mail.model.Dsn.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DsnTest {

    /** Which status classes each action accepts: FAILED also takes class 4 (a temporary failure that expired). */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            FAILED    | 5.1.1 | ok
            FAILED    | 4.4.1 | ok
            FAILED    | 2.0.0 | refused
            DELAYED   | 4.4.1 | ok
            DELAYED   | 5.1.1 | refused
            DELAYED   | 2.0.0 | refused
            DELIVERED | 2.0.0 | ok
            DELIVERED | 5.0.0 | refused
            RELAYED   | 2.0.0 | ok
            RELAYED   | 4.0.0 | refused
            EXPANDED  | 2.1.5 | ok
            EXPANDED  | 5.1.5 | refused
            """)
    void constructor_statusMustFitAction(Action action, String status, String verdict) {
        if (verdict.equals("ok")) {
            assertThat(new Dsn(EnhancedStatus.parse(status), action, "why", null, null).action()).isEqualTo(action);
        } else {
            assertThatThrownBy(() -> new Dsn(EnhancedStatus.parse(status), action, "why", null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("status " + status + " does not fit action " + action.keyword());
        }
    }

    @Test
    void reasonAndDiagnostic_controlCharacters_becomeSpaces() {
        Dsn dsn = new Dsn(EnhancedStatus.parse("5.1.1"), Action.FAILED, "no\r\nInjected: yes\u0000\u2028x",
                Diagnostic.smtp("550 5.1.1 a\r\nb"), "mx.example.org");

        assertThat(dsn.reason()).isEqualTo("no  Injected: yes  x");
        assertThat(dsn.diagnostic().text()).isEqualTo("550 5.1.1 a  b");
    }

    @Test
    void reason_blank_refused() {
        assertThatThrownBy(() -> Dsn.failed(EnhancedStatus.parse("5.0.0"), " \r\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a DSN needs a reason");
    }

    @Test
    void diagnostic_toString_isTheFieldForm() {
        assertThat(Diagnostic.smtp("550 5.1.1 no such user")).hasToString("smtp; 550 5.1.1 no such user");
        assertThat(new Diagnostic("X-Steward", "connect refused")).hasToString("X-Steward; connect refused");
    }

    @Test
    void diagnostic_typeNotAnAtom_refused() {
        assertThatThrownBy(() -> new Diagnostic("smtp; x", "y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Diagnostic("", "y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remoteMta_withSpaceOrSemicolon_refused() {
        assertThatThrownBy(() -> Dsn.failed(EnhancedStatus.parse("5.0.0"), "x").withRemote(null, "mx example"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dsn.failed(EnhancedStatus.parse("5.0.0"), "x").withRemote(null, "mx;x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dsn.failed(EnhancedStatus.parse("5.0.0"), "x").withRemote(null, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withAction_delayedExpires_keepsStatusAndReason() {
        Dsn delayed = Dsn.delayed(EnhancedStatus.parse("4.4.1"), "connect to mx[192.0.2.1]:25: Connection refused");

        Dsn failed = delayed.withAction(Action.FAILED);

        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.status()).isEqualTo(delayed.status());
        assertThat(failed.reason()).isEqualTo(delayed.reason());
    }

    @Test
    void action_keyword_isRfc3464Spelling() {
        assertThat(Action.values()).extracting(Action::keyword)
                .containsExactly("failed", "delayed", "delivered", "relayed", "expanded");
    }
}
