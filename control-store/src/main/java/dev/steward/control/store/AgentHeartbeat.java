package dev.steward.control.store;

import java.util.Objects;

/**
 * What a server's agent reports in a heartbeat ({@code POST /api/agent/v1/heartbeat}).
 *
 * <p>Thread safety: immutable.
 *
 * @param stewardVersion the agent's (Steward's) own version
 * @param os the operating system, e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param kernel the running kernel, e.g. {@code 6.1.0-18-amd64}
 * @param uptimeSeconds seconds since boot
 * @param installedVersion the application version installed on the server, or null if unknown
 * @param queueActive the relay's messages being delivered now
 * @param queueDeferred the relay's messages waiting for a retry
 * @param queueHeld the relay's messages on hold
 * @param deliveredTotal messages the relay delivered since it was installed
 * @param bouncedTotal messages the relay bounced since it was installed
 * @param freeDiskBytes free bytes on the data file system
 */
public record AgentHeartbeat(String stewardVersion, String os, String kernel, long uptimeSeconds,
                             String installedVersion, int queueActive, int queueDeferred, int queueHeld,
                             long deliveredTotal, long bouncedTotal, long freeDiskBytes) {

    /** Versions and names required (1..64 resp. 1..200 characters); counters not negative. */
    public AgentHeartbeat {
        text(stewardVersion, "steward_version", 64);
        text(os, "os", 200);
        text(kernel, "kernel", 200);
        if (installedVersion != null) {
            text(installedVersion, "installed_version", 64);
        }
        if (uptimeSeconds < 0 || queueActive < 0 || queueDeferred < 0 || queueHeld < 0 || deliveredTotal < 0
                || bouncedTotal < 0 || freeDiskBytes < 0) {
            throw new IllegalArgumentException("uptime, queue counts, totals and free disk must not be negative");
        }
    }

    private static void text(String value, String field, int max) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(field + " must be 1.." + max + " characters");
        }
    }
}
