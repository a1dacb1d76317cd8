package dev.steward.control.store;

import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import java.util.Objects;

/**
 * A new server with its two included addresses (PKG-5: one IPv4 and one IPv6 per server).
 *
 * <p>Thread safety: immutable.
 *
 * @param server the server, id 0
 * @param ipv4 the included IPv4 address
 * @param ipv6 the included IPv6 address
 */
public record ServerRegistration(Server server, String ipv4, String ipv6) {

    /** Validates both address literals. */
    public ServerRegistration {
        Objects.requireNonNull(server, "server");
        ipv4 = ServerAddress.includedIpv4(ipv4).address();
        ipv6 = ServerAddress.includedIpv6(ipv6).address();
    }
}
