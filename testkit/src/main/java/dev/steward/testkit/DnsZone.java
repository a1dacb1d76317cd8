package dev.steward.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records and scripted faults that {@link FakeDnsServer} serves and {@link InMemoryResolver}
 * answers from: a zone map in the style of maddy's {@code mockdns.Zone}, built with
 * {@link #builder()}.
 *
 * <pre>{@code
 * DnsZone zone = DnsZone.builder()
 *         .mx("example.test", 10, "mx1.example.test")
 *         .a("mx1.example.test", "127.0.0.1")
 *         .aaaa("mx1.example.test", "::1")
 *         .nullMx("nomail.test")
 *         .servfail("broken.test")
 *         .build();
 * }</pre>
 *
 * <p>Names are case-insensitive, with or without the trailing dot, and unlike the production
 * resolver they may hold anything dnsjava can parse (an MX exchange with an underscore, say), so
 * tests can serve malformed data. A name that has no records but lies above one that has (an
 * "empty non-terminal") exists: it answers NODATA, not NXDOMAIN.
 *
 * <p>Thread safety: immutable once built; the builder is single-threaded.
 */
public final class DnsZone {

    /** What a scripted question gets instead of its records. */
    public enum Fault {
        /** RCODE SERVFAIL. */
        SERVFAIL,
        /** RCODE NXDOMAIN, even if the name has records. */
        NXDOMAIN,
        /** No response at all, so the client times out. */
        DROP,
        /** Over UDP: an empty response with the TC bit, so the client retries over TCP (answered normally). */
        TRUNCATE
    }

    private static final long TTL = 300;
    private static final int ANY_TYPE = -1;

    private final Map<Name, List<Record>> records; // owner -> records, in insertion order
    private final Set<Name> existing; // owners and all their ancestors
    private final Map<FaultKey, Fault> faults;

    private record FaultKey(Name name, int type) {}

    private DnsZone(Builder builder) {
        Map<Name, List<Record>> copy = new HashMap<>();
        builder.records.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        this.records = Map.copyOf(copy);
        Set<Name> names = new HashSet<>();
        for (Name owner : records.keySet()) {
            for (int strip = 0; strip < owner.labels(); strip++) {
                names.add(new Name(owner, strip));
            }
        }
        this.existing = Set.copyOf(names);
        this.faults = Map.copyOf(builder.faults);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An empty zone: every name is NXDOMAIN. */
    public static DnsZone empty() {
        return builder().build();
    }

    /** The records of {@code type} owned by {@code name} (no CNAME following). */
    public List<Record> records(Name name, int type) {
        List<Record> owned = records.getOrDefault(name, List.of());
        List<Record> matching = new ArrayList<>();
        for (Record record : owned) {
            if (record.getType() == type) {
                matching.add(record);
            }
        }
        return matching;
    }

    /** True when {@code name} owns records or lies above a name that does. */
    public boolean exists(Name name) {
        return existing.contains(name);
    }

    /** The fault scripted for this question: for this type, else for every type of the name. */
    public Optional<Fault> fault(Name name, int type) {
        Fault exact = faults.get(new FaultKey(name, type));
        return Optional.ofNullable(exact != null ? exact : faults.get(new FaultKey(name, ANY_TYPE)));
    }

    /** Converts test text ({@code "Mx1.Example.TEST"}, with or without the dot) to an absolute name. */
    public static Name name(String text) {
        try {
            return Name.fromString(text.toLowerCase(Locale.ROOT), Name.root);
        } catch (TextParseException bad) {
            throw new IllegalArgumentException("not a DNS name: " + text + ": " + bad.getMessage(), bad);
        }
    }

    /** Collects records and faults. Single-threaded. */
    public static final class Builder {
        private final Map<Name, List<Record>> records = new HashMap<>(); // grows while building
        private final Map<FaultKey, Fault> faults = new HashMap<>(); // grows while building

        private Builder() {}

        public Builder mx(String name, int preference, String exchange) {
            Name target = exchange.equals(".") ? Name.root : name(exchange);
            return add(new MXRecord(name(name), DClass.IN, TTL, preference, target));
        }

        /** RFC 7505: {@code MX 0 .}. */
        public Builder nullMx(String name) {
            return mx(name, 0, ".");
        }

        public Builder a(String name, String... addresses) {
            for (String address : addresses) {
                InetAddress parsed = literal(address);
                if (parsed.getAddress().length != 4) {
                    throw new IllegalArgumentException("not an IPv4 address: " + address);
                }
                add(new ARecord(name(name), DClass.IN, TTL, parsed));
            }
            return this;
        }

        public Builder aaaa(String name, String... addresses) {
            for (String address : addresses) {
                InetAddress parsed = literal(address);
                if (parsed.getAddress().length != 16) {
                    throw new IllegalArgumentException("not an IPv6 address: " + address);
                }
                add(new AAAARecord(name(name), DClass.IN, TTL, parsed));
            }
            return this;
        }

        /** One TXT record made of these character-strings (each at most 255 octets). */
        public Builder txt(String name, String... strings) {
            return add(new TXTRecord(name(name), DClass.IN, TTL, List.of(strings)));
        }

        public Builder cname(String name, String target) {
            return add(new CNAMERecord(name(name), DClass.IN, TTL, name(target)));
        }

        /** A PTR record at the reverse name of {@code address} (a literal), pointing at {@code host}. */
        public Builder ptr(String address, String host) {
            return add(new PTRRecord(ReverseMap.fromAddress(literal(address)), DClass.IN, TTL, name(host)));
        }

        /** Any dnsjava record, for types without a helper. */
        public Builder record(Record record) {
            return add(record);
        }

        /** Scripts {@code fault} for questions about {@code name} of the given types ({@code "MX"}, {@code "A"}, ...), or of every type when none are given. */
        public Builder fault(Fault fault, String name, String... types) {
            Name owner = name(name);
            if (types.length == 0) {
                faults.put(new FaultKey(owner, ANY_TYPE), fault);
            }
            for (String type : types) {
                int value = Type.value(type);
                if (value < 0) {
                    throw new IllegalArgumentException("unknown record type " + type);
                }
                faults.put(new FaultKey(owner, value), fault);
            }
            return this;
        }

        public Builder servfail(String name, String... types) {
            return fault(Fault.SERVFAIL, name, types);
        }

        public Builder nxdomain(String name, String... types) {
            return fault(Fault.NXDOMAIN, name, types);
        }

        public Builder drop(String name, String... types) {
            return fault(Fault.DROP, name, types);
        }

        public Builder truncate(String name, String... types) {
            return fault(Fault.TRUNCATE, name, types);
        }

        public DnsZone build() {
            return new DnsZone(this);
        }

        private Builder add(Record record) {
            records.computeIfAbsent(record.getName(), k -> new ArrayList<>()).add(record);
            return this;
        }

        private static InetAddress literal(String address) {
            if (!address.contains(":") && !address.matches("[0-9.]+")) {
                throw new IllegalArgumentException("not a numeric address: " + address);
            }
            try {
                return InetAddress.getByName(address); // numeric: no lookup
            } catch (UnknownHostException bad) {
                throw new IllegalArgumentException("not an address: " + address, bad);
            }
        }
    }
}
