package dev.steward.control.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "cln042-prd-app001.hosting.example,  42,   PRODUCTION, 1,  hosting.example,  cln042-prd-app001.hosting.example",
            "cln007-tst-app002.nexx.eu,          7,    TEST,       2,  nexx.eu,          cln007-tst-app002.nexx.eu",
            "CLN042-PRD-APP001.Hosting.Example., 42,   PRODUCTION, 1,  hosting.example,  cln042-prd-app001.hosting.example",
            "cln1234-prd-app010.a-b.c.example,   1234, PRODUCTION, 10, a-b.c.example,    cln1234-prd-app010.a-b.c.example",
    })
    void parse_valid(String text, int customer, ServerRole role, int app, String domain, String canonical) {
        ServerName name = ServerName.parse(text);
        assertThat(name).isEqualTo(new ServerName(customer, role, app, domain));
        assertThat(name.toString()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "cln42-prd-app001.hosting.example",     // two digits
            "cln042-acc-app001.hosting.example",    // unknown role
            "cln042-prd-app01.hosting.example",
            "cln042-prd-app001",                    // no domain
            "cln042-prd-app001.localhost",          // one label
            "cln042-prd-app001.-bad.example",
            "cln042-prd-app001.bad-.example",
            "cln042-prd-app001.hosting..example",
            "app001-prd-cln042.hosting.example",
            "cln042_prd_app001.hosting.example",
            "",
    })
    void parse_invalid(String text) {
        assertThatThrownBy(() -> ServerName.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
