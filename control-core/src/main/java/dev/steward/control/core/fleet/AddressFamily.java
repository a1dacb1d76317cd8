package dev.steward.control.core.fleet;

/**
 * The IP version of a server address.
 *
 * <p>Thread safety: immutable.
 */
public enum AddressFamily {
    /** IPv4. */
    IPV4,
    /** IPv6. */
    IPV6
}
