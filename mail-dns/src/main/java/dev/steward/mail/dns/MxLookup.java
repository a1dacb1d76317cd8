package dev.steward.mail.dns;

import dev.steward.mail.model.DomainName;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Finds the hosts to deliver a domain's mail to: RFC 5321 §5.1 with RFC 7505 null MX.
 *
 * <p><b>Strategy.</b>
 * <ol>
 *   <li>Ask for the domain's MX records. NXDOMAIN is {@link MxRoute.NoSuchDomain}; a temporary
 *       failure is {@link MxRoute.TempFail}; MX records that all name the root ({@code "."}, in
 *       practice a single {@code MX 0 .}) are {@link MxRoute.NullMx}. We accept any preference
 *       there (RFC 7505 §3 says 0), since the intent is unmistakable. A root exchange next to real
 *       ones is ignored, and the real ones used.
 *   <li>No MX records (NODATA): the domain itself is the only host, an implicit MX of preference 0.
 *   <li>Sort by preference; hosts of equal preference are shuffled with the injected
 *       {@link RandomGenerator} to spread load (RFC 5321 §5.1). A host named twice keeps its lowest
 *       preference. Only the first {@value #MAX_HOSTS} hosts are resolved, so a hostile domain
 *       cannot make one delivery ask hundreds of questions.
 *   <li>For each host, ask for AAAA (unless IPv6 is disabled) and A records, and order the
 *       addresses by the {@link AddressPreference}. Wildcard and multicast addresses
 *       ({@code 0.0.0.0}, {@code ::}, {@code 224.0.0.0/4}, {@code ff00::/8}) are dropped: a connect to
 *       {@code 0.0.0.0} reaches this machine.
 *   <li>A host without any address is moved to {@link MxRoute.Hosts#skipped()} with the reason.
 *       If no host has an address, the route is {@link MxRoute.TempFail} when any address lookup
 *       failed temporarily, else {@link MxRoute.NoAddresses}.
 * </ol>
 * Questions are asked one after another, on the caller's thread.
 *
 * <p>Mail loops (the best MX is this relay) are the caller's check, after the lookup, with
 * {@link MxRoute.Hosts#truncateAtSelf}: only the caller knows the port it will connect to.
 *
 * <p>Thread safety: thread-safe when the {@link Resolver} is (every implementation is). The
 * {@link RandomGenerator} need not be thread-safe: it is only used under a lock.
 */
public final class MxLookup {

    /**
     * At most this many MX hosts are resolved. Postfix bounds the same work by addresses
     * ({@code smtp_mx_address_limit = 5}); the delivery agent may bound its connections further.
     */
    public static final int MAX_HOSTS = 10;

    private final Resolver resolver;
    private final AddressPreference addressPreference;
    private final boolean ipv6Enabled;
    private final RandomGenerator random; // guarded by itself: most generators are not thread-safe

    /**
     * @param resolver          asks the questions
     * @param addressPreference the order of a host's IPv6 and IPv4 addresses
     * @param ipv6Enabled       false: no AAAA question is asked and no IPv6 address is returned
     * @param random            shuffles hosts of equal preference, e.g. {@code new SplittableRandom()};
     *                          tests pass a seeded one (not {@code java.util.Random}, whose first
     *                          draw barely differs between nearby seeds)
     */
    public MxLookup(Resolver resolver, AddressPreference addressPreference, boolean ipv6Enabled,
            RandomGenerator random) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.addressPreference = Objects.requireNonNull(addressPreference, "addressPreference");
        this.ipv6Enabled = ipv6Enabled;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Looks up the route for {@code domain}. Never throws for a DNS outcome. */
    public MxRoute lookup(DomainName domain) {
        String name = domain.ascii();
        List<Candidate> candidates;
        switch (resolver.mx(name)) {
            case DnsAnswer.TempFail<MxRecord> failed -> {
                return new MxRoute.TempFail(name, "MX lookup failed: " + failed.reason());
            }
            case DnsAnswer.NxDomain<MxRecord> missing -> {
                return new MxRoute.NoSuchDomain(name);
            }
            case DnsAnswer.NoData<MxRecord> none -> candidates = List.of(new Candidate(name, 0, true));
            case DnsAnswer.Records<MxRecord> records -> {
                if (records.records().stream().allMatch(MxRecord::isNullMx)) {
                    return new MxRoute.NullMx(name);
                }
                candidates = order(records.records());
            }
        }

        List<MxHost> usable = new ArrayList<>();
        List<MxHost> skipped = new ArrayList<>();
        boolean anyTempFail = false;
        for (Candidate candidate : candidates) {
            Addresses found = addressesOf(candidate.name());
            anyTempFail |= found.tempFail();
            Optional<String> problem = found.problems().isEmpty() ? Optional.empty()
                    : Optional.of(String.join("; ", found.problems()));
            MxHost host = new MxHost(candidate.name(), candidate.preference(), found.addresses(),
                    candidate.implicit(), problem);
            (found.addresses().isEmpty() ? skipped : usable).add(host);
        }
        if (!usable.isEmpty()) {
            return new MxRoute.Hosts(name, usable, skipped);
        }
        String reason = describeSkipped(candidates.getFirst().implicit(), skipped);
        return anyTempFail ? new MxRoute.TempFail(name, reason) : new MxRoute.NoAddresses(name, reason);
    }

    private record Candidate(String name, int preference, boolean implicit) {}

    /** Ordered by preference, equal preferences shuffled, duplicates and root exchanges removed. */
    private List<Candidate> order(List<MxRecord> records) {
        Map<String, Integer> best = new LinkedHashMap<>(); // exchange -> lowest preference
        for (MxRecord record : records) {
            if (!record.isNullMx()) {
                best.merge(record.exchange(), record.preference(), Math::min);
            }
        }
        Map<Integer, List<String>> byPreference = new TreeMap<>();
        best.forEach((exchange, preference) -> byPreference.computeIfAbsent(preference, p -> new ArrayList<>())
                .add(exchange));
        List<Candidate> ordered = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> level : byPreference.entrySet()) {
            List<String> names = level.getValue();
            if (names.size() > 1) {
                synchronized (random) {
                    Collections.shuffle(names, random);
                }
            }
            for (String exchange : names) {
                if (ordered.size() < MAX_HOSTS) {
                    ordered.add(new Candidate(exchange, level.getKey(), false));
                }
            }
        }
        return ordered;
    }

    private record Addresses(List<InetAddress> addresses, List<String> problems, boolean tempFail) {}

    private Addresses addressesOf(String host) {
        List<String> problems = new ArrayList<>();
        boolean tempFail = false;
        List<InetAddress> ipv6 = List.of();
        boolean ipv6Missing = true; // NoData or NxDomain, as opposed to a failure
        if (ipv6Enabled) {
            DnsAnswer<InetAddress> answer = resolver.ipv6(host);
            ipv6 = usable(answer, "AAAA", problems);
            tempFail = answer instanceof DnsAnswer.TempFail;
            ipv6Missing = !tempFail && ipv6.isEmpty();
        }
        DnsAnswer<InetAddress> answer = resolver.ipv4(host);
        List<InetAddress> ipv4 = usable(answer, "A", problems);
        boolean ipv4Failed = answer instanceof DnsAnswer.TempFail;
        tempFail |= ipv4Failed;
        if (ipv4.isEmpty() && ipv6.isEmpty()) {
            boolean ipv4Missing = !ipv4Failed;
            if (ipv4Missing && ipv6Missing && problems.isEmpty()) {
                problems.add(answer instanceof DnsAnswer.NxDomain ? "host not found (NXDOMAIN)"
                        : ipv6Enabled ? "no A or AAAA record" : "no A record (IPv6 is disabled)");
            }
        }
        return new Addresses(merge(ipv6, ipv4), problems, tempFail);
    }

    /** The usable addresses of one answer; failures and unusable addresses go to {@code problems}. */
    private static List<InetAddress> usable(DnsAnswer<InetAddress> answer, String type, List<String> problems) {
        return switch (answer) {
            case DnsAnswer.Records<InetAddress> records -> {
                List<InetAddress> kept = new ArrayList<>();
                for (InetAddress address : records.records()) {
                    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                        problems.add(type + " record " + address.getHostAddress() + " is not a host address; ignored");
                    } else if (!kept.contains(address)) {
                        kept.add(address);
                    }
                }
                yield kept;
            }
            case DnsAnswer.TempFail<InetAddress> failed -> {
                problems.add(type + " lookup failed: " + failed.reason());
                yield List.of();
            }
            case DnsAnswer.NxDomain<InetAddress> missing -> List.of();
            case DnsAnswer.NoData<InetAddress> none -> List.of();
        };
    }

    private List<InetAddress> merge(List<InetAddress> ipv6, List<InetAddress> ipv4) {
        List<InetAddress> merged = new ArrayList<>(ipv6.size() + ipv4.size());
        switch (addressPreference) {
            case IPV6 -> {
                merged.addAll(ipv6);
                merged.addAll(ipv4);
            }
            case IPV4 -> {
                merged.addAll(ipv4);
                merged.addAll(ipv6);
            }
            case ANY -> {
                for (int i = 0; i < Math.max(ipv6.size(), ipv4.size()); i++) {
                    if (i < ipv6.size()) {
                        merged.add(ipv6.get(i));
                    }
                    if (i < ipv4.size()) {
                        merged.add(ipv4.get(i));
                    }
                }
            }
        }
        return merged;
    }

    private static String describeSkipped(boolean implicit, List<MxHost> skipped) {
        List<String> parts = new ArrayList<>();
        for (MxHost host : skipped) {
            parts.add(host.describe() + ": " + host.addressProblem().orElse("no address"));
        }
        return (implicit ? "no MX record, and the domain has no usable address: "
                : "no MX host has a usable address: ") + String.join("; ", parts);
    }
}
