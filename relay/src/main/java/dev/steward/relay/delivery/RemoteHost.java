package dev.steward.relay.delivery;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The server a delivery attempt talked to, written {@code name[address]:port} in logs (Postfix's
 * {@code namaddrport}).
 *
 * <p>Thread safety: immutable.
 *
 * @param name    the host name as found in DNS (an MX target or the smarthost), without a trailing dot
 * @param address the IP address in text form, IPv6 without brackets or scope
 * @param port    1..65535
 */
public record RemoteHost(String name, String address, int port) {

    public RemoteHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '[' && c != ']')) {
            throw new IllegalArgumentException("not a host name: \"" + name + "\"");
        }
        if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("not an IP address in text form: \"" + address + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
    }

    /** From a resolved address; an IPv6 scope such as {@code %eth0} is dropped. */
    public static RemoteHost of(String name, InetAddress address, int port) {
        return new RemoteHost(name, dev.steward.common.text.AddressText.of(address), port);
    }

    /** {@code mx.example.org[203.0.113.5]}, as in Postfix reasons. */
    public String nameAndAddress() {
        return name + "[" + address + "]";
    }

    /** {@code mx.example.org[203.0.113.5]:25}, the {@code relay=} value of the delivery log. */
    @Override
    public String toString() {
        return nameAndAddress() + ":" + port;
    }
}
