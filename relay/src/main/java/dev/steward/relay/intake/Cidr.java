package dev.steward.relay.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client network such as {@code 192.0.2.0/24} or {@code 2001:db8::/32} (a bare address is a /32 or /128).
 *
 * <p>Thread safety: immutable.
 */
public record Cidr(InetAddress network, int prefixLength) {

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = numericAddress(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException bad) {
                throw new IllegalArgumentException("prefix length must be a number from 0 to " + bits);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length must be a number from 0 to " + bits);
            }
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(InetAddress candidate) {
        byte[] net = network.getAddress();
        byte[] other = candidate.getAddress();
        if (net.length != other.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (net[i] != other[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (net[fullBytes] & mask) == (other[fullBytes] & mask);
    }

    /** A literal IPv4/IPv6 address, never a DNS lookup. */
    public static InetAddress numericAddress(String host) {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("must be a numeric IPv4 or IPv6 address, not a name");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException bad) {
            throw new IllegalArgumentException("not a valid IP address");
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
