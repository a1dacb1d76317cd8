package dev.steward.mail.dns;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A short-lived answer cache in front of another {@link Resolver}: a relay sending thousands of
 * messages a second to one domain would otherwise ask the same MX and address questions for every
 * message (and a resolver's rate limiting then turns into timeouts). Answers are kept for at most
 * {@code maxAge} (30 s by default, well under the TTLs mail domains use; {@link DnsAnswer} carries
 * no TTL, so the cap stands in for it); {@link DnsAnswer.TempFail} is never cached, so a failed
 * lookup is asked again at the next attempt. At most {@code maxEntries} answers, least recently
 * used first out.
 *
 * <p>Thread safety: thread-safe (one lock around the map; lookups on a miss run outside it, so two
 * threads may ask the same question at once, and the later answer wins).
 */
public final class CachingResolver implements Resolver {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Key(String type, String name) {
    }

    private record Cached(DnsAnswer<?> answer, Instant expires) {
    }

    private final Resolver delegate;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<Key, Cached> entries; // guarded by itself: access-ordered, bounded

    public CachingResolver(Resolver delegate, Clock clock, Duration maxAge, int maxEntries) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** With the defaults: 30 s, 10,000 answers, the system clock. */
    public CachingResolver(Resolver delegate) {
        this(delegate, Clock.systemUTC(), DEFAULT_MAX_AGE, DEFAULT_MAX_ENTRIES);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return cached("MX", name, () -> delegate.mx(name));
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return cached("A", name, () -> delegate.ipv4(name));
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return cached("AAAA", name, () -> delegate.ipv6(name));
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return cached("TXT", name, () -> delegate.txt(name));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return cached("PTR", address.getHostAddress(), () -> delegate.ptr(address));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return cached("CNAME", name, () -> delegate.cname(name));
    }

    @SuppressWarnings("unchecked") // an entry under a key of type T holds a DnsAnswer<T>
    private <T> DnsAnswer<T> cached(String type, String name, Supplier<DnsAnswer<T>> lookup) {
        Key key = new Key(type, name.toLowerCase(java.util.Locale.ROOT));
        Instant now = clock.instant();
        synchronized (entries) {
            Cached entry = entries.get(key);
            if (entry != null && now.isBefore(entry.expires())) {
                return (DnsAnswer<T>) entry.answer();
            }
        }
        DnsAnswer<T> answer = lookup.get();
        if (!(answer instanceof DnsAnswer.TempFail<T>) && maxAge.isPositive()) {
            synchronized (entries) {
                entries.put(key, new Cached(answer, now.plus(maxAge)));
            }
        }
        return answer;
    }

    @Override
    public String toString() {
        return "cached(" + delegate + ")";
    }
}
