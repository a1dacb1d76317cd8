package dev.steward.control.core.catalogue;

/**
 * The hardware a server actually has, derived from its application's packages and its package
 * state: a server upgraded to plus with {@code cpu_ram} only keeps the standard storage (PKG-2).
 *
 * <p>Thread safety: immutable.
 *
 * @param vcpu virtual CPUs
 * @param ramMib memory in MiB
 * @param storageGib storage in GiB
 * @param dedicatedVcpu whether the vCPUs are dedicated rather than shared (PKG-4)
 */
public record Resources(int vcpu, int ramMib, int storageGib, boolean dedicatedVcpu) {

    /**
     * The resources of a server of {@code application} on {@code tier}.
     *
     * @param storageUpgraded whether the storage was upgraded to the plus size
     */
    public static Resources of(Application application, Tier tier, boolean storageUpgraded, boolean dedicatedVcpu) {
        PackageSpec cpuRam = application.spec(tier);
        PackageSpec storage = application.spec(storageUpgraded ? Tier.PLUS : Tier.STANDARD);
        return new Resources(cpuRam.vcpu(), cpuRam.ramMib(), storage.storageGib(), dedicatedVcpu);
    }
}
