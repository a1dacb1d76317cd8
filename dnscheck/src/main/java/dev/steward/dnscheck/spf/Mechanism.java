package dev.steward.dnscheck.spf;

import java.util.Arrays;

/**
 * The eight RFC 7208 §5 mechanisms, parsed. A {@code domainSpec} of null means the mechanism names
 * no domain and applies to the current one. CIDR lengths are the written ones, or 32 and 128 when
 * absent. Network addresses are kept as octets.
 *
 * <p>Thread safety: immutable (the arrays are copied in and out).
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

    /** {@code ip4:network[/cidr]}. */
    record Ip4(byte[] network, int cidr) implements Mechanism {
        public Ip4 {
            network = network.clone();
        }

        @Override
        public byte[] network() {
            return network.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ip4 that && cidr == that.cidr && Arrays.equals(network, that.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + cidr;
        }

        @Override
        public String toString() {
            return "Ip4[" + IpAddresses.format(IpAddresses.byAddress(network)) + "/" + cidr + "]";
        }
    }

    /** {@code ip6:network[/cidr]}. */
    record Ip6(byte[] network, int cidr) implements Mechanism {
        public Ip6 {
            network = network.clone();
        }

        @Override
        public byte[] network() {
            return network.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ip6 that && cidr == that.cidr && Arrays.equals(network, that.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + cidr;
        }

        @Override
        public String toString() {
            return "Ip6[" + IpAddresses.format(IpAddresses.byAddress(network)) + "/" + cidr + "]";
        }
    }

    /** {@code exists:domain-spec}. */
    record Exists(MacroString domainSpec) implements Mechanism {}
}
