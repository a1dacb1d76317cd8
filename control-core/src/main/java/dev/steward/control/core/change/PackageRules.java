package dev.steward.control.core.change;

import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.fleet.AddressFamily;
import dev.steward.control.core.fleet.PackageState;
import dev.steward.control.core.fleet.ServerAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The package rules (PKG-2..PKG-5): whether a change may be requested or approved for a server as
 * it is now, and what carrying it out changes.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>change</th><th>allowed when</th><th>done sets</th></tr>
 *   <tr><td>{@code UPGRADE_CPU_RAM}</td><td>on standard</td><td>plus</td></tr>
 *   <tr><td>{@code UPGRADE_CPU_RAM_STORAGE}</td><td>storage not yet upgraded (standard, or plus
 *       after a {@code cpu_ram} upgrade)</td><td>plus, storage upgraded</td></tr>
 *   <tr><td>{@code DOWNGRADE}</td><td>on plus and storage never upgraded</td><td>standard</td></tr>
 *   <tr><td>{@code DEDICATED_VCPU}</td><td>vCPUs still shared</td><td>dedicated vCPUs</td></tr>
 *   <tr><td>{@code EXTRA_IPV4}</td><td>always</td><td>one more IPv4 address, billable</td></tr>
 *   <tr><td>{@code EXTRA_IPV6}</td><td>always</td><td>one more IPv6 address, free</td></tr>
 * </table>
 *
 * <p>At most one request that changes the package (upgrade or downgrade) and at most one
 * dedicated-vCPU request may be open per server, so that two open requests can never contradict
 * each other; extra addresses may be requested several at a time.
 *
 * <p>Thread safety: thread-safe (stateless).
 */
public final class PackageRules {

    /** Creates the rules; they hold no state. */
    public PackageRules() {
    }

    /**
     * Whether {@code kind} may be requested (or approved) now.
     *
     * @param state the server's package state now
     * @param kind the change asked for
     * @param otherOpenKinds the kinds of the server's other open requests (requested, approved or
     *     scheduled), not counting the one being decided
     */
    public Decision decide(PackageState state, PackageChangeKind kind, Set<PackageChangeKind> otherOpenKinds) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(kind, "kind");
        if (kind.changesTier() && otherOpenKinds.stream().anyMatch(PackageChangeKind::changesTier)) {
            return Decision.refused("package_change_open",
                    "Er loopt al een andere pakketwijziging voor deze server; wacht tot die is afgehandeld.",
                    "Another package change for this server is still open; wait until it is finished.");
        }
        if (kind == PackageChangeKind.DEDICATED_VCPU && otherOpenKinds.contains(PackageChangeKind.DEDICATED_VCPU)) {
            return Decision.refused("dedicated_vcpu_open",
                    "Er loopt al een aanvraag voor dedicated vCPU's voor deze server.",
                    "A request for dedicated vCPUs is already open for this server.");
        }
        return switch (kind) {
            case UPGRADE_CPU_RAM -> state.tier() == Tier.PLUS
                    ? Decision.refused("already_plus",
                            "De server heeft het plus-pakket al.",
                            "The server is already on the plus package.")
                    : Decision.ALLOWED;
            case UPGRADE_CPU_RAM_STORAGE -> state.storageUpgraded()
                    ? Decision.refused("storage_already_upgraded",
                            "De opslag van deze server is al geüpgraded.",
                            "The storage of this server has already been upgraded.")
                    : Decision.ALLOWED;
            case DOWNGRADE -> {
                if (state.tier() == Tier.STANDARD) {
                    yield Decision.refused("already_standard",
                            "De server heeft het standaardpakket al.",
                            "The server is already on the standard package.");
                }
                if (state.storageUpgraded()) {
                    yield Decision.refused("storage_upgraded",
                            "Terug naar standaard kan niet, omdat de opslag werd geüpgraded en niet kan krimpen.",
                            "Downgrading to standard is not possible because storage was upgraded and cannot shrink.");
                }
                yield Decision.ALLOWED;
            }
            case DEDICATED_VCPU -> state.dedicatedVcpu()
                    ? Decision.refused("already_dedicated",
                            "De server heeft al dedicated vCPU's.",
                            "The server already has dedicated vCPUs.")
                    : Decision.ALLOWED;
            case EXTRA_IPV4, EXTRA_IPV6 -> Decision.ALLOWED;
        };
    }

    /**
     * What marking {@code kind} done changes on the server.
     *
     * @param state the server's package state now
     * @param assignedAddress the address the operator or agent assigned, required exactly for the
     *     extra-address kinds
     * @throws PackageChangeRefusedException if the server's state no longer allows the change
     * @throws IllegalArgumentException if an address is missing, superfluous, or of the wrong family
     */
    public ServerChange onDone(PackageState state, PackageChangeKind kind, String assignedAddress) {
        Decision decision = decide(state, kind, Set.of());
        if (decision instanceof Decision.Refused refused) {
            throw new PackageChangeRefusedException(kind, refused);
        }
        if (kind.addsAddress() != (assignedAddress != null)) {
            throw new IllegalArgumentException(kind.addsAddress()
                    ? kind.code() + " needs the assigned address to be marked done"
                    : kind.code() + " does not assign an address");
        }
        return switch (kind) {
            case UPGRADE_CPU_RAM -> new ServerChange(
                    new PackageState(Tier.PLUS, state.storageUpgraded(), state.dedicatedVcpu()), Optional.empty());
            case UPGRADE_CPU_RAM_STORAGE -> new ServerChange(
                    new PackageState(Tier.PLUS, true, state.dedicatedVcpu()), Optional.empty());
            case DOWNGRADE -> new ServerChange(
                    new PackageState(Tier.STANDARD, false, state.dedicatedVcpu()), Optional.empty());
            case DEDICATED_VCPU -> new ServerChange(
                    new PackageState(state.tier(), state.storageUpgraded(), true), Optional.empty());
            case EXTRA_IPV4 -> new ServerChange(state,
                    Optional.of(ServerAddress.of(AddressFamily.IPV4, assignedAddress, true)));
            case EXTRA_IPV6 -> new ServerChange(state,
                    Optional.of(ServerAddress.of(AddressFamily.IPV6, assignedAddress, true)));
        };
    }
}
