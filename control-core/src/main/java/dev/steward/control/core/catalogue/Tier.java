package dev.steward.control.core.catalogue;

import java.util.Locale;

/**
 * The two packages every application is offered in (PKG-1): same functionality, different
 * hardware.
 *
 * <p>Thread safety: immutable.
 */
public enum Tier {
    /** The base package. */
    STANDARD,
    /** More vCPU and RAM, optionally more storage. */
    PLUS;

    /** The lowercase name used in the UI and API: {@code standard} or {@code plus}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code standard} or {@code plus}, case-insensitively.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Tier fromCode(String code) {
        for (Tier tier : values()) {
            if (tier.code().equalsIgnoreCase(code == null ? "" : code.strip())) {
                return tier;
            }
        }
        throw new IllegalArgumentException("package must be standard or plus, not " + code);
    }
}
