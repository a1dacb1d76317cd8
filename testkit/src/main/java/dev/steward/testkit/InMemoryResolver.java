package dev.steward.testkit;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A {@link Resolver} that answers from a {@link DnsZone} in memory, without sockets: for unit tests
 * of code that takes a {@code Resolver} (the delivery agent, dnscheck). Use {@link FakeDnsServer}
 * when the real {@code DnsjavaResolver} and the wire are under test.
 *
 * <p>It answers as {@code DnsjavaResolver} does against a server holding the same zone: CNAMEs
 * followed (at most 8), NXDOMAIN vs NODATA (empty non-terminals exist), malformed records dropped
 * and {@code TempFail} when none is left. Scripted faults: SERVFAIL and DROP become
 * {@link DnsAnswer.TempFail} (reasons {@code "SERVFAIL (scripted)"}, {@code "timed out (scripted)"}),
 * NXDOMAIN becomes {@link DnsAnswer.NxDomain}, TRUNCATE is ignored (there is no UDP here). Unlike
 * {@link FakeDnsServer}, names outside {@code .test}/{@code .invalid} are answered too (nothing can
 * leak from memory).
 *
 * <p>Thread safety: thread-safe; the zone can be swapped with {@link #replaceZone}.
 */
public final class InMemoryResolver implements Resolver {

    private static final int MAX_CNAME_HOPS = 8;

    private volatile DnsZone zone; // replaced by replaceZone
    private final List<String> questions = new CopyOnWriteArrayList<>();

    public InMemoryResolver(DnsZone zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** Answers from {@code replacement} from the next question on. */
    public void replaceZone(DnsZone replacement) {
        this.zone = Objects.requireNonNull(replacement, "replacement");
    }

    /** Every question so far, as {@code "MX example.test"}, in order. */
    public List<String> questions() {
        return List.copyOf(questions);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return answer(name, Type.MX, record -> {
            MXRecord mx = (MXRecord) record;
            Name target = mx.getTarget();
            return new MxRecord(mx.getPriority(), target.equals(Name.root) ? MxRecord.ROOT : target.toString(true));
        });
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return answer(name, Type.A, record -> plain(((ARecord) record).getAddress()));
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return answer(name, Type.AAAA, record -> {
            InetAddress address = plain(((AAAARecord) record).getAddress());
            if (!(address instanceof Inet6Address)) {
                throw new IllegalArgumentException("AAAA record holds an IPv4-mapped address " + address.getHostAddress());
            }
            return address;
        });
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return answer(name, Type.TXT, record -> {
            StringBuilder joined = new StringBuilder();
            for (byte[] string : ((TXTRecord) record).getStringsAsByteArrays()) {
                joined.append(new String(string, StandardCharsets.UTF_8));
            }
            return joined.toString();
        });
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return answer(ReverseMap.fromAddress(address).toString(true), Type.PTR,
                record -> ((PTRRecord) record).getTarget().toString(true));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return answer(name, Type.CNAME, record -> ((CNAMERecord) record).getTarget().toString(true));
    }

    private <T> DnsAnswer<T> answer(String name, int type, Function<Record, T> convert) {
        questions.add(Type.string(type) + " " + name);
        DnsZone current = zone;
        Name question = DnsZone.name(name);
        Optional<DnsZone.Fault> fault = current.fault(question, type);
        if (fault.isPresent()) {
            switch (fault.get()) {
                case SERVFAIL -> {
                    return new DnsAnswer.TempFail<>(name, "SERVFAIL (scripted)");
                }
                case DROP -> {
                    return new DnsAnswer.TempFail<>(name, "timed out (scripted)");
                }
                case NXDOMAIN -> {
                    return new DnsAnswer.NxDomain<>(name);
                }
                case TRUNCATE -> {
                    // no UDP in memory: answer normally
                }
            }
        }
        Name owner = question;
        Set<Name> visited = new HashSet<>();
        visited.add(owner);
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            List<Record> records = current.records(owner, type);
            if (!records.isEmpty()) {
                return convert(name, type, records, convert);
            }
            List<Record> aliases = current.records(owner, Type.CNAME);
            if (aliases.isEmpty()) {
                return current.exists(owner) ? new DnsAnswer.NoData<>(name) : new DnsAnswer.NxDomain<>(name);
            }
            owner = ((CNAMERecord) aliases.getFirst()).getTarget();
            if (!visited.add(owner)) {
                return new DnsAnswer.TempFail<>(name, "CNAME loop at " + owner.toString(true));
            }
        }
        return new DnsAnswer.TempFail<>(name, "CNAME chain longer than " + MAX_CNAME_HOPS + " names");
    }

    private static <T> DnsAnswer<T> convert(String name, int type, List<Record> records, Function<Record, T> convert) {
        List<T> values = new ArrayList<>();
        String problem = null;
        for (Record record : records) {
            try {
                values.add(convert.apply(record));
            } catch (IllegalArgumentException malformed) {
                problem = problem == null ? malformed.getMessage() : problem;
            }
        }
        if (values.isEmpty()) {
            return new DnsAnswer.TempFail<>(name, "malformed " + Type.string(type) + " record: " + problem);
        }
        return new DnsAnswer.Records<>(values);
    }

    private static InetAddress plain(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(impossible);
        }
    }
}
