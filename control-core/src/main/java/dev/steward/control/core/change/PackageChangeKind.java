package dev.steward.control.core.change;

import java.util.Locale;

/**
 * What a package-change request asks for (PKG-2..PKG-5).
 *
 * <p>Thread safety: immutable.
 */
public enum PackageChangeKind {
    /** Standard → plus, CPU and RAM only ({@code cpu_ram}); storage stays at the standard size. */
    UPGRADE_CPU_RAM(true),
    /**
     * Standard → plus with the plus storage ({@code cpu_ram_storage}); also the way a plus server
     * upgraded with {@code cpu_ram} gets the plus storage later.
     */
    UPGRADE_CPU_RAM_STORAGE(true),
    /** Plus → standard; only when the storage was never upgraded (PKG-3). */
    DOWNGRADE(true),
    /** Dedicated instead of shared vCPUs (PKG-4); requested by the customer, approved by an operator. */
    DEDICATED_VCPU(false),
    /** One more IPv4 address; billable (PKG-5). */
    EXTRA_IPV4(false),
    /** One more IPv6 address; free (PKG-5). */
    EXTRA_IPV6(false);

    private final boolean changesTier;

    PackageChangeKind(boolean changesTier) {
        this.changesTier = changesTier;
    }

    /** Whether it moves the server between standard and plus (at most one such request is open). */
    public boolean changesTier() {
        return changesTier;
    }

    /** Whether carrying it out assigns a new address. */
    public boolean addsAddress() {
        return this == EXTRA_IPV4 || this == EXTRA_IPV6;
    }

    /** The lowercase code used in the UI and API, e.g. {@code upgrade_cpu_ram}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a code, case-insensitively.
     *
     * @throws IllegalArgumentException for an unknown kind
     */
    public static PackageChangeKind fromCode(String code) {
        for (PackageChangeKind kind : values()) {
            if (kind.code().equalsIgnoreCase(code == null ? "" : code.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown package change: " + code);
    }
}
