package dev.steward.control.core.change;

import dev.steward.control.core.fleet.PackageState;
import dev.steward.control.core.fleet.ServerAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What marking a package change done does to the server.
 *
 * <p>Thread safety: immutable.
 *
 * @param packageState the server's package state afterwards
 * @param addedAddress the extra address to record, for {@code EXTRA_IPV4} (billable) and
 *     {@code EXTRA_IPV6} (free)
 */
public record ServerChange(PackageState packageState, Optional<ServerAddress> addedAddress) {

    /** Both are required (the address may be empty). */
    public ServerChange {
        Objects.requireNonNull(packageState, "packageState");
        Objects.requireNonNull(addedAddress, "addedAddress");
    }
}
