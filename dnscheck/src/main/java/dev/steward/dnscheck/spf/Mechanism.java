package dev.steward.dnscheck.spf;

import java.net.InetAddress;

/**
 * The eight RFC 7208 §5 mechanisms, parsed. A {@code domainSpec} of null means the mechanism names
 * no domain and applies to the current one. CIDR lengths are the written ones, or 32 and 128 when
 * absent. Network addresses are exactly the written octets (an IPv4-mapped {@code ip6:} network
 * stays 16 octets).
 *
 * <p>Thread safety: immutable.
 */
public sealed interface Mechanism {

    /** True for the mechanisms that query DNS and count towards the limit of 10 (RFC 7208 §4.6.4). */
    default boolean queriesDns() {
        return !(this instanceof All || this instanceof Ip4 || this instanceof Ip6);
    }

    /** {@code all}. */
    record All() implements Mechanism {}

    /** {@code include:domain-spec}. */
    record Include(MacroString domainSpec) implements Mechanism {}

    /** {@code a[:domain-spec][/cidr4][//cidr6]}. */
    record A(MacroString domainSpec, int cidr4, int cidr6) implements Mechanism {}

    /** {@code mx[:domain-spec][/cidr4][//cidr6]}. */
    record Mx(MacroString domainSpec, int cidr4, int cidr6) implements Mechanism {}

    /** {@code ptr[:domain-spec]}. */
    record Ptr(MacroString domainSpec) implements Mechanism {}

    /** {@code ip4:network[/cidr]}; {@code network} an {@link java.net.Inet4Address} (immutable, compared by value). */
    record Ip4(InetAddress network, int cidr) implements Mechanism {}

    /** {@code ip6:network[/cidr]}; {@code network} an {@link java.net.Inet6Address}. */
    record Ip6(InetAddress network, int cidr) implements Mechanism {}

    /** {@code exists:domain-spec}. */
    record Exists(MacroString domainSpec) implements Mechanism {}
}
