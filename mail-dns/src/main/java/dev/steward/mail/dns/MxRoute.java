package dev.steward.mail.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where mail for a domain goes, as {@link MxLookup} found it: a closed set of outcomes. The
 * mechanism reports; {@code relay.policy} decides what is temporary and what bounces.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface MxRoute {

    /** The domain that was looked up (normalised A-labels). */
    String domain();

    /**
     * Hosts to try, in order: by MX preference, equal preferences shuffled (RFC 5321 §5.1), each
     * with at least one address. {@code skipped} lists the MX hosts that have no address, each
     * with {@link MxHost#addressProblem()} saying why, so a deferral can say what was wrong.
     */
    record Hosts(String domain, List<MxHost> hosts, List<MxHost> skipped) implements MxRoute {
        public Hosts {
            Objects.requireNonNull(domain, "domain");
            hosts = List.copyOf(hosts);
            skipped = List.copyOf(skipped);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("Hosts needs at least one host with an address");
            }
            for (MxHost host : hosts) {
                if (host.addresses().isEmpty()) {
                    throw new IllegalArgumentException(host.name() + " has no address; it belongs in skipped");
                }
            }
        }

        /**
         * RFC 5321 §5.1 mail-loop rule: if one of the hosts is this relay itself ({@code isSelf}
         * matches one of its addresses), every host with that preference or a higher one is dropped.
         * Empty when nothing is left: the best MX is this relay, so the mail would loop (Postfix:
         * "mail for ... loops back to myself"). The caller builds {@code isSelf} from its listen
         * addresses and the port it delivers to, e.g. with {@link LocalAddresses#atPort(int)}.
         */
        public Optional<Hosts> truncateAtSelf(Predicate<InetAddress> isSelf) {
            Objects.requireNonNull(isSelf, "isSelf");
            int selfPreference = Integer.MAX_VALUE;
            for (MxHost host : hosts) {
                if (host.addresses().stream().anyMatch(isSelf)) {
                    selfPreference = Math.min(selfPreference, host.preference());
                }
            }
            if (selfPreference == Integer.MAX_VALUE) {
                return Optional.of(this);
            }
            List<MxHost> kept = new ArrayList<>();
            for (MxHost host : hosts) {
                if (host.preference() < selfPreference) {
                    kept.add(host);
                }
            }
            return kept.isEmpty() ? Optional.empty() : Optional.of(new Hosts(domain, kept, skipped));
        }
    }

    /** RFC 7505: the domain publishes a null MX ({@code MX 0 .}); it accepts no mail. Permanent. */
    record NullMx(String domain) implements MxRoute {
        public NullMx {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** The MX query answered NXDOMAIN: the domain does not exist. Permanent. */
    record NoSuchDomain(String domain) implements MxRoute {
        public NoSuchDomain {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /**
     * DNS answered every question, but no host has an address: the MX hosts do not exist or have no
     * A/AAAA records, or (without MX) the domain has no A/AAAA records. No lookup failed
     * temporarily.
     */
    record NoAddresses(String domain, String reason) implements MxRoute {
        public NoAddresses {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The MX query failed (SERVFAIL, timeout, ...), or no host has an address and at least one
     * address lookup failed, so an address may exist. Ask again later.
     */
    record TempFail(String domain, String reason) implements MxRoute {
        public TempFail {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
