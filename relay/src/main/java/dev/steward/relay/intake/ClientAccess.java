package dev.steward.relay.intake;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may talk to the intake: loopback always, plus the configured {@code allowed_clients}
 * networks. Checked on every connection whatever the listen address, so a relay mistakenly
 * bound to a public address still refuses the world (MAIL-1: never an open relay).
 *
 * <p>Thread safety: immutable.
 */
public record ClientAccess(List<Cidr> allowedClients) {

    public ClientAccess {
        allowedClients = List.copyOf(allowedClients);
    }

    public boolean permits(InetAddress client) {
        if (client.isLoopbackAddress()) {
            return true;
        }
        for (Cidr network : allowedClients) {
            if (network.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
