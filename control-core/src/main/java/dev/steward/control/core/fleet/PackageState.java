package dev.steward.control.core.fleet;

import dev.steward.control.core.catalogue.Tier;
import java.util.Objects;

/**
 * The package facts of one server that the package rules decide on (PKG-2..PKG-4).
 *
 * <p>Thread safety: immutable.
 *
 * @param tier standard or plus
 * @param storageUpgraded whether the storage was ever upgraded; once true it stays true, because
 *     storage cannot shrink
 * @param dedicatedVcpu whether the vCPUs are dedicated rather than shared
 */
public record PackageState(Tier tier, boolean storageUpgraded, boolean dedicatedVcpu) {

    /** A standard server with shared vCPUs and standard storage: where every server starts. */
    public static final PackageState INITIAL = new PackageState(Tier.STANDARD, false, false);

    /** Storage is only ever upgraded together with the move to plus. */
    public PackageState {
        Objects.requireNonNull(tier, "tier");
        if (storageUpgraded && tier == Tier.STANDARD) {
            throw new IllegalArgumentException("a standard server cannot have upgraded storage");
        }
    }
}
