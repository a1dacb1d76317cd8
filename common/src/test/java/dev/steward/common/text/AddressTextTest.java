package dev.steward.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "::1, ::1",
        "::, ::",
        "2001:db8:0:0:0:0:0:25, 2001:db8::25",
        "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fd53:7465:7761:0:0:0:0:1, fd53:7465:7761::1",
        "fe80:0:0:0:0:0:0:1, fe80::1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void of_rfc5952(String input, String expected) throws Exception {
        assertThat(AddressText.of(InetAddress.getByName(input))).isEqualTo(expected);
    }
}
