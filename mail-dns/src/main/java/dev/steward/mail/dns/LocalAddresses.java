package dev.steward.mail.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The addresses this relay accepts mail on, for the RFC 5321 §5.1 mail-loop check: delivering to
 * one of them would hand the message back to ourselves. Built from the intake's listen addresses;
 * used through {@link #atPort(int)} with {@link MxRoute.Hosts#truncateAtSelf}.
 *
 * <p>A wildcard listen address ({@code 0.0.0.0} or {@code ::}) matches every address of this
 * machine: any loopback address and any address assigned to a local interface, looked up when
 * asked (interfaces come and go). Both wildcards match both families, erring towards "this is us".
 * Ports matter: tests deliver to {@code 127.0.0.1} on another port than the intake's, and that is
 * not a loop.
 *
 * <p>Thread safety: immutable; thread-safe.
 */
public final class LocalAddresses {

    private final List<InetSocketAddress> listen;

    private LocalAddresses(List<InetSocketAddress> listen) {
        this.listen = listen;
    }

    /** The intake's listen addresses, e.g. {@code 127.0.0.1:25} and {@code [::1]:25}. */
    public static LocalAddresses of(Collection<InetSocketAddress> listen) {
        for (InetSocketAddress address : listen) {
            if (Objects.requireNonNull(address, "listen contains null").isUnresolved()) {
                throw new IllegalArgumentException("listen address " + address + " is not numeric");
            }
        }
        return new LocalAddresses(List.copyOf(listen));
    }

    /** True when a connection to {@code address}:{@code port} would reach our own intake. */
    public boolean contains(InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        for (InetSocketAddress candidate : listen) {
            if (candidate.getPort() != port) {
                continue;
            }
            InetAddress listening = candidate.getAddress();
            if (listening.equals(address) || listening.isAnyLocalAddress() && isThisMachine(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #contains} for one delivery port, as the predicate {@link MxRoute.Hosts#truncateAtSelf} takes. */
    public Predicate<InetAddress> atPort(int port) {
        return address -> contains(address, port);
    }

    private static boolean isThisMachine(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException cannotTell) {
            // XXX we cannot tell; answer "not us" rather than refuse every delivery.
            return false;
        }
    }

    @Override
    public String toString() {
        return "LocalAddresses" + listen.stream().map(DnsConfig::format).toList();
    }
}
