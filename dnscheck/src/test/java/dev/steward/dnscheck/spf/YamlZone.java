package dev.steward.dnscheck.spf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link Resolver} over the {@code zonedata} of one OpenSPF suite scenario, answering as the
 * production resolver would for the same zone, with the suite driver's conventions (pyspf
 * {@code testspf.py}, re-implemented):
 *
 * <ul>
 *   <li>{@code SPF} entries are also served as TXT records when the name has no {@code TXT} entry
 *       at all ({@code TXT: NONE} counts as an entry and means "no TXT record"); the evaluator only
 *       ever asks for TXT.</li>
 *   <li>A bare {@code TIMEOUT} entry: a question reaching it before any record of the asked type is
 *       a {@link DnsAnswer.TempFail}.</li>
 *   <li>A name absent from the zone is NXDOMAIN (NODATA when it lies above a name that is present),
 *       or a TempFail when it starts with {@code error.}.</li>
 *   <li>CNAMEs are followed (at most 8 links; a loop is a TempFail), as {@code DnsjavaResolver} does.</li>
 *   <li>MX exchanges go through {@link MxRecord}, which refuses names that are not host names; as in
 *       production such records are dropped, and when none is left the answer is a TempFail.</li>
 * </ul>
 *
 * <p>Unlike the production resolver, names with characters other than letters, digits, '-' and
 * '_' are answered (the suite serves {@code foo:bar/baz.example.com}). Names that no DNS query can
 * carry (an empty label, a label over 63 octets, over 253 characters) are a bug in the caller: they
 * throw {@link AssertionError}.
 *
 * <p>Thread safety: immutable after construction.
 */
final class YamlZone implements Resolver {

    private record Entry(String type, JsonNode value) {}

    private static final int MAX_CNAME_HOPS = 8;

    private final Map<String, List<Entry>> zone = new HashMap<>();
    private final Set<String> existing = new HashSet<>();
    private final List<String> questions = new ArrayList<>();

    YamlZone(JsonNode zonedata) {
        if (zonedata == null) {
            return;
        }
        zonedata.properties().forEach(owner -> {
            String name = key(owner.getKey());
            List<Entry> entries = new ArrayList<>();
            List<Entry> generated = new ArrayList<>();
            boolean hasTxt = false;
            for (JsonNode item : owner.getValue()) {
                if (item.isTextual()) {
                    if (!item.asText().equals("TIMEOUT")) {
                        throw new IllegalArgumentException("unknown bare zone entry " + item + " at " + name);
                    }
                    entries.add(new Entry("TIMEOUT", item));
                    continue;
                }
                var field = item.properties().iterator().next();
                String type = field.getKey();
                JsonNode value = field.getValue();
                if (type.equals("TXT")) {
                    hasTxt = true;
                } else if (type.equals("SPF")) {
                    generated.add(new Entry("TXT", value));
                }
                if (!value.asText().equals("NONE")) {
                    entries.add(new Entry(type, value));
                }
            }
            if (!hasTxt) {
                entries.addAll(generated);
            }
            zone.put(name, entries);
            for (String parent = name; parent.indexOf('.') >= 0; ) {
                parent = parent.substring(parent.indexOf('.') + 1);
                existing.add(parent);
            }
        });
    }

    /** Every question asked, as {@code "TXT example.com"}. */
    List<String> questions() {
        return List.copyOf(questions);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return answer(name, "MX", e -> new MxRecord(e.value().get(0).asInt(),
                e.value().get(1).asText().isEmpty() ? MxRecord.ROOT : e.value().get(1).asText()));
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return answer(name, "A", e -> IpAddresses.byAddress(IpAddresses.parseIpv4(e.value().asText())));
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return answer(name, "AAAA", e -> IpAddresses.byAddress(IpAddresses.parseIpv6(e.value().asText())));
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return answer(name, "TXT", e -> {
            if (!e.value().isArray()) {
                return e.value().asText();
            }
            StringBuilder joined = new StringBuilder();
            e.value().forEach(s -> joined.append(s.asText()));
            return joined.toString();
        });
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder name = new StringBuilder();
        for (int i = b.length - 1; i >= 0; i--) {
            if (b.length == 4) {
                name.append(b[i] & 0xFF).append('.');
            } else {
                name.append(Character.forDigit(b[i] & 0xF, 16)).append('.')
                        .append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append('.');
            }
        }
        name.append(b.length == 4 ? "in-addr.arpa" : "ip6.arpa");
        return answer(name.toString(), "PTR", e -> strip(e.value().asText()));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return answer(name, "CNAME", e -> strip(e.value().asText()));
    }

    private <T> DnsAnswer<T> answer(String name, String type, Function<Entry, T> convert) {
        checkQueryable(name);
        synchronized (questions) {
            questions.add(type + " " + name);
        }
        String owner = key(name);
        Set<String> visited = new HashSet<>();
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            if (!visited.add(owner)) {
                return new DnsAnswer.TempFail<>(name, "CNAME loop at " + owner);
            }
            List<Entry> entries = zone.get(owner);
            if (entries == null) {
                if (owner.startsWith("error.")) {
                    return new DnsAnswer.TempFail<>(name, "timed out (error. name in the suite)");
                }
                return existing.contains(owner) ? new DnsAnswer.NoData<>(name) : new DnsAnswer.NxDomain<>(name);
            }
            List<T> records = new ArrayList<>();
            int malformed = 0;
            String alias = null;
            for (Entry entry : entries) {
                if (entry.type().equals("TIMEOUT")) {
                    if (records.isEmpty() && malformed == 0) {
                        return new DnsAnswer.TempFail<>(name, "timed out (TIMEOUT in the suite)");
                    }
                    break;
                }
                if (entry.type().equals(type)) {
                    try {
                        records.add(convert.apply(entry));
                    } catch (IllegalArgumentException bad) {
                        malformed++;
                    }
                } else if (entry.type().equals("CNAME") && alias == null) {
                    alias = key(entry.value().asText());
                }
            }
            if (!records.isEmpty()) {
                return new DnsAnswer.Records<>(records);
            }
            if (malformed > 0) {
                return new DnsAnswer.TempFail<>(name, "malformed " + type + " record");
            }
            if (alias == null || type.equals("CNAME")) {
                return new DnsAnswer.NoData<>(name);
            }
            owner = alias;
        }
        return new DnsAnswer.TempFail<>(name, "CNAME chain longer than " + MAX_CNAME_HOPS);
    }

    private static void checkQueryable(String name) {
        String body = strip(name);
        if (body.isEmpty() || body.length() > 253) {
            throw new AssertionError("the evaluator asked for a name no DNS query can carry: \"" + name + "\"");
        }
        for (String label : body.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new AssertionError("the evaluator asked for a name no DNS query can carry: \"" + name + "\"");
            }
        }
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String key(String name) {
        return strip(name).toLowerCase(Locale.ROOT);
    }
}
