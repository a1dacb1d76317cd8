package dev.steward.control.core.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * One managed application server: a virtual machine running one customer application.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity; {@code 0} when not stored yet
 * @param name the host name, see {@link ServerName}; its role code must match {@code role}
 * @param customerId the owning customer
 * @param applicationId the application it runs
 * @param role test or production
 * @param appHost the host name the application is reached at (the customer's, e.g.
 *     {@code unifi.jouwfirma.net}); its subdomains may send mail (MAIL-2)
 * @param packageState package, storage-upgraded and dedicated-vCPU flags
 * @param dkimSelector the DKIM selector (MAIL-4: {@code nexx}); {@code null} before a key exists
 * @param dkimPublicKey the public key as the {@code p=} value (base64); {@code null} before a key
 *     exists
 * @param installedVersion the application version the agent last reported; {@code null} if unknown
 * @param os the operating system the agent last reported (e.g. {@code Debian 12.8}); may be null
 * @param kernel the running kernel the agent last reported; may be null
 * @param lastSeen when the agent last reported; {@code null} if never
 */
public record Server(long id, ServerName name, long customerId, long applicationId, ServerRole role, String appHost,
                     PackageState packageState, String dkimSelector, String dkimPublicKey, String installedVersion,
                     String os, String kernel, Instant lastSeen) {

    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final java.util.regex.Pattern SELECTOR = java.util.regex.Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** Validates names, lengths and the role/name agreement. */
    public Server {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(packageState, "packageState");
        Objects.requireNonNull(appHost, "appHost");
        if (name.role() != role) {
            throw new IllegalArgumentException("server name " + name + " says " + name.role().nameCode()
                    + " but the role is " + role);
        }
        appHost = appHost.strip().toLowerCase(java.util.Locale.ROOT);
        if (!HOST.matcher(appHost).matches()) {
            throw new IllegalArgumentException("app host is not a host name: " + appHost);
        }
        if ((dkimSelector == null) != (dkimPublicKey == null)) {
            throw new IllegalArgumentException("DKIM selector and public key go together");
        }
        if (dkimSelector != null && !SELECTOR.matcher(dkimSelector).matches()) {
            throw new IllegalArgumentException("not a DKIM selector: " + dkimSelector);
        }
        if (dkimPublicKey != null && (dkimPublicKey.isBlank() || dkimPublicKey.length() > 4000)) {
            throw new IllegalArgumentException("DKIM public key must be 1..4000 characters");
        }
        checkLength("installed version", installedVersion, 64);
        checkLength("os", os, 200);
        checkLength("kernel", kernel, 200);
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && (value.isBlank() || value.length() > max)) {
            throw new IllegalArgumentException(field + " must be 1.." + max + " characters");
        }
    }

    /** A new server, not stored yet, on the standard package, before the agent ever reported. */
    public static Server register(ServerName name, long customerId, long applicationId, String appHost) {
        return new Server(0, name, customerId, applicationId, name.role(), appHost, PackageState.INITIAL,
                null, null, null, null, null, null);
    }

    /** This server with the store's identity. */
    public Server withId(long newId) {
        return new Server(newId, name, customerId, applicationId, role, appHost, packageState, dkimSelector,
                dkimPublicKey, installedVersion, os, kernel, lastSeen);
    }

    /** This server with another package state. */
    public Server withPackageState(PackageState state) {
        return new Server(id, name, customerId, applicationId, role, appHost, state, dkimSelector, dkimPublicKey,
                installedVersion, os, kernel, lastSeen);
    }
}
