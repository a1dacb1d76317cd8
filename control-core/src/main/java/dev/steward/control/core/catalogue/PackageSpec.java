package dev.steward.control.core.catalogue;

import java.util.Objects;

/**
 * The hardware of one package of one application (SPEC-1's table of exact specifications).
 *
 * <p>Thread safety: immutable.
 *
 * @param tier which package
 * @param vcpu virtual CPUs (1 vCPU = 1 hyper-thread), 1..256
 * @param ramMib memory in MiB, 256..4,194,304
 * @param storageGib NVMe storage in GiB, 1..65,536
 */
public record PackageSpec(Tier tier, int vcpu, int ramMib, int storageGib) {

    /** Checks the bounds; the message names the field. */
    public PackageSpec {
        Objects.requireNonNull(tier, "tier");
        if (vcpu < 1 || vcpu > 256) {
            throw new IllegalArgumentException("vcpu must be 1..256, not " + vcpu);
        }
        if (ramMib < 256 || ramMib > 4_194_304) {
            throw new IllegalArgumentException("ram_mib must be 256..4194304, not " + ramMib);
        }
        if (storageGib < 1 || storageGib > 65_536) {
            throw new IllegalArgumentException("storage_gib must be 1..65536, not " + storageGib);
        }
    }
}
