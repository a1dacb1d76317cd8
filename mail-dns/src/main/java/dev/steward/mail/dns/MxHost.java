package dev.steward.mail.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mail exchanger of a route: its name and preference, and its addresses in the order to try
 * them (see {@link AddressPreference}).
 *
 * <p>Thread safety: immutable.
 *
 * @param name           the host name, normalised (lowercase A-labels, no trailing dot)
 * @param preference     the MX preference; 0 for an implicit MX
 * @param addresses      the addresses to try, in order; empty only for a host in
 *                       {@link MxRoute.Hosts#skipped()}
 * @param implicit       true when the domain has no MX records and this is the domain itself
 *                       (RFC 5321 §5.1 "implicit MX")
 * @param addressProblem why an address lookup for this host did not answer, e.g.
 *                       {@code "AAAA: SERVFAIL from 192.0.2.53:53"}; empty when every lookup answered.
 *                       A host can have addresses and a problem (one family failed).
 */
public record MxHost(String name, int preference, List<InetAddress> addresses, boolean implicit,
        Optional<String> addressProblem) {

    public MxHost {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(addressProblem, "addressProblem");
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference " + preference + " is not in 0..65535");
        }
    }

    /** {@code mx1.example.org (10)}, {@code example.org (implicit)}, for logs and reasons. */
    public String describe() {
        return name + (implicit ? " (implicit MX)" : " (MX " + preference + ")");
    }
}
