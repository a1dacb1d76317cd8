package dev.steward.mail.dns;

/**
 * In which order the addresses of one MX host are tried when it has both IPv6 and IPv4 addresses
 * (Postfix {@code smtp_address_preference}).
 *
 * <p>Thread safety: immutable.
 */
public enum AddressPreference {
    /**
     * Both families, interleaved, IPv6 first: {@code v6[0], v4[0], v6[1], v4[1], ...}, then the rest
     * of the longer list (RFC 8305 §4). A host whose IPv6 path is broken costs at most one failed
     * connection before an IPv4 address is tried. Postfix's {@code any} instead shuffles the
     * families at random; we interleave so the order is predictable in the logs and in tests.
     */
    ANY,
    /** All IPv6 addresses first, then all IPv4 addresses. */
    IPV6,
    /** All IPv4 addresses first, then all IPv6 addresses. */
    IPV4
}
