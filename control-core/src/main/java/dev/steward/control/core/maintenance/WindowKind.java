package dev.steward.control.core.maintenance;

import java.util.Locale;

/**
 * Which kind of maintenance a window is for.
 *
 * <p>Thread safety: immutable.
 */
public enum WindowKind {
    /** The weekly OS-update window (MAINT-1): default Monday 05:00–07:00. */
    OS,
    /** The weekly application-update window (MAINT-2): default Monday 07:00–09:00. */
    APP,
    /** A slot of the emergency lane (MAINT-4): default 04:00–06:00 on any day. */
    EMERGENCY;

    /** @return the lower-case word the CLI prints and accepts: {@code os}, {@code app}, {@code emergency} */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the kind named by {@code token} ({@code os}, {@code app}, {@code emergency})
     * @throws IllegalArgumentException for any other word
     */
    public static WindowKind fromToken(String token) {
        for (WindowKind kind : values()) {
            if (kind.token().equals(token)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown window kind \"" + token + "\" (expected os, app or emergency)");
    }
}
