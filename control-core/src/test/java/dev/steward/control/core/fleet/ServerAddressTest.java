package dev.steward.control.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerAddressTest {

    @ParameterizedTest(name = "{0} {1} extra={2} -> billable={3}")
    @CsvSource({
            "IPV4, 192.0.2.1,   false, false",
            "IPV4, 192.0.2.1,   true,  true",
            "IPV6, 2001:db8::1, false, false",
            "IPV6, 2001:db8::1, true,  false",
    })
    void of_billingRule(AddressFamily family, String address, boolean extra, boolean billable) {
        assertThat(ServerAddress.of(family, address, extra).billable()).isEqualTo(billable);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "IPV4, 0.0.0.0,                                  true",
            "IPV4, 255.255.255.255,                          true",
            "IPV4, 256.1.1.1,                                false",
            "IPV4, 01.2.3.4,                                 false",
            "IPV4, 1.2.3,                                    false",
            "IPV4, 2001:db8::1,                              false",
            "IPV6, ::,                                       true",
            "IPV6, ::1,                                      true",
            "IPV6, 2001:db8::,                               true",
            "IPV6, 2001:DB8:0:0:0:0:0:1,                     true",
            "IPV6, 2001:db8:1:2:3:4:5:6,                     true",
            "IPV6, 2001:db8:1:2:3:4:5:6:7,                   false",
            "IPV6, 2001:db8::1::2,                           false",
            "IPV6, 2001:db8:1:2:3:4:5,                       false",
            "IPV6, :2001:db8::1,                             false",
            "IPV6, 2001:db8::1:,                             false",
            "IPV6, 2001:db8::12345,                          false",
            "IPV6, 192.0.2.1,                                false",
    })
    void syntax(AddressFamily family, String address, boolean valid) {
        if (valid) {
            assertThat(ServerAddress.of(family, address, false).address()).isEqualTo(address.toLowerCase());
        } else {
            assertThatThrownBy(() -> ServerAddress.of(family, address, false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @CsvSource({"IPV4, 192.0.2.1, false, true", "IPV6, 2001:db8::1, true, true", "IPV4, 192.0.2.1, true, false"})
    void constructor_wrongBillable_refused(AddressFamily family, String address, boolean extra, boolean billable) {
        assertThatThrownBy(() -> new ServerAddress(family, address, extra, billable))
                .hasMessageContaining("only an extra IPv4 address is billable");
    }
}
