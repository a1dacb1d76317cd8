package dev.steward.mail.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A map-based {@link Resolver} for this module's unit tests. (testkit has the shared
 * {@code InMemoryResolver}, but testkit depends on this module, so these tests cannot use it.)
 *
 * <p>Built from a one-line zone: records separated by {@code ;}, each {@code name TYPE data}:
 * {@code example.test MX 10 mx1.example.test; mx1.example.test A 127.0.0.1; mx1.example.test AAAA ::1}.
 * {@code name TYPE !servfail} makes that question fail temporarily; {@code name * !nxdomain} makes
 * every question for the name NXDOMAIN. Names with no records are NXDOMAIN; a name with records of
 * other types answers NODATA. Thread-safe (the question log is synchronized).
 */
final class FakeResolver implements Resolver {

    private final Map<String, List<String>> records = new HashMap<>(); // "name TYPE" -> data
    private final Set<String> names = new HashSet<>();
    private final Set<String> failing = new HashSet<>(); // "name TYPE"
    private final Set<String> missing = new HashSet<>(); // names forced to NXDOMAIN
    private final List<String> questions = Collections.synchronizedList(new ArrayList<>());

    static FakeResolver parse(String zone) {
        FakeResolver resolver = new FakeResolver();
        for (String entry : zone.split(";")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 3);
            String name = parts[0].toLowerCase(Locale.ROOT);
            String type = parts[1].toUpperCase(Locale.ROOT);
            String data = parts[2];
            resolver.names.add(name);
            if (data.equals("!servfail")) {
                resolver.failing.add(name + " " + type);
            } else if (data.equals("!nxdomain")) {
                resolver.missing.add(name);
            } else {
                resolver.records.computeIfAbsent(name + " " + type, k -> new ArrayList<>()).add(data);
            }
        }
        return resolver;
    }

    /** The questions asked so far, as {@code "TYPE name"}. */
    List<String> questions() {
        synchronized (questions) {
            return List.copyOf(questions);
        }
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return answer(name, "MX", data -> {
            String[] parts = data.split("\\s+");
            return new MxRecord(Integer.parseInt(parts[0]), parts[1]);
        });
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return answer(name, "A", FakeResolver::address);
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return answer(name, "AAAA", FakeResolver::address);
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return answer(name, "TXT", data -> data);
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return answer(org.xbill.DNS.ReverseMap.fromAddress(address).toString(true), "PTR", data -> data);
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return answer(name, "CNAME", data -> data);
    }

    private interface Reader<T> {
        T read(String data);
    }

    private <T> DnsAnswer<T> answer(String name, String type, Reader<T> reader) {
        String key = name.toLowerCase(Locale.ROOT);
        questions.add(type + " " + key);
        if (failing.contains(key + " " + type)) {
            return new DnsAnswer.TempFail<>(name, "SERVFAIL from fake");
        }
        if (missing.contains(key) || !names.contains(key)) {
            return new DnsAnswer.NxDomain<>(name);
        }
        List<String> data = records.get(key + " " + type);
        if (data == null) {
            return new DnsAnswer.NoData<>(name);
        }
        return new DnsAnswer.Records<>(data.stream().map(reader::read).toList());
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text); // numeric text only in these tests: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
