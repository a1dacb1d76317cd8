package dev.steward.relay.delivery;

import dev.steward.common.text.LogLine;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.policy.MtaStsPolicy;
import dev.steward.relay.policy.MtaStsRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policies of recipient domains (RFC 8461 §3, §5.1): discovers them (TXT record, then
 * HTTPS) and caches them for their {@code max_age}.
 *
 * <p><b>Strategy</b>, for every direct delivery to a domain:
 * <ol>
 *   <li>Ask for the TXT records of {@code _mta-sts.<domain>} and pick the one {@code v=STSv1}
 *       record ({@link MtaStsRecord#select}).</li>
 *   <li>A cached, unexpired policy with the same {@code id} is used as it is.</li>
 *   <li>Otherwise (nothing cached, expired, or a new {@code id}) the policy is fetched over HTTPS
 *       and parsed ({@link MtaStsPolicy#parse}); a valid one replaces the cache entry and expires
 *       {@code max_age} after the fetch.</li>
 *   <li>No usable TXT record (none, several, invalid, or the lookup failed), or a fetch that gives
 *       no valid policy: a cached unexpired policy is still used (RFC 8461 §5.1: an attacker who
 *       removes the record or blocks the fetch must not switch the policy off); without one the
 *       domain has no policy and delivery is opportunistic.</li>
 *   <li>A failed fetch is not repeated for the same {@code id} within {@value #FETCH_RETRY_MINUTES}
 *       minutes (RFC 8461 §3.3: "five minutes or longer per version ID").</li>
 * </ol>
 *
 * <p><b>Storage.</b> In memory only: a restart forgets every policy and fetches again on the next
 * delivery. XXX a persisted cache (RFC 8461 §5.1 expects policies to survive restarts, to narrow
 * the window in which an attacker can strip a policy) may come later. At most
 * {@value #MAX_ENTRIES} domains are kept; when full, expired entries go first, then any one.
 *
 * <p><b>Logs.</b> {@code mta_sts_policy} when a policy is fetched and stored, and
 * {@code mta_sts_fetch_failed} when a fetch gives none (both INFO: they happen once per policy
 * version, not per message); lookups without a policy at DEBUG.
 *
 * <p>Thread safety: thread-safe. Discovery for one domain runs on one thread at a time (striped
 * locks); the others wait and then find the fresh entry. XXX two domains on the same stripe wait
 * for each other's fetch too, bounded by the fetch timeout.
 */
public final class MtaStsPolicies {

    /** Where a policy body comes from: {@link MtaStsHttpsClient#fetch} in production. */
    @FunctionalInterface
    public interface Fetcher {
        /** Fetches the policy body of {@code domain} (normalised A-labels). Never throws for a network outcome. */
        PolicyFetch fetch(String domain);
    }

    static final int FETCH_RETRY_MINUTES = 5;
    static final int MAX_ENTRIES = 10_000;
    private static final Duration FETCH_RETRY = Duration.ofMinutes(FETCH_RETRY_MINUTES);
    private static final int STRIPES = 64;
    private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicies.class);

    private final Resolver resolver;
    private final Fetcher fetcher;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>(); // per domain; written under the domain's stripe
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    /**
     * What is known of one domain: its cached policy (if any) and its last failed fetch (if any).
     * A class, not a record: delivery value types stay independent of {@code relay.policy}.
     */
    private static final class Entry {
        final MtaStsPolicy policy;  // null: no cached policy
        final String id;            // the TXT id the policy was fetched for; null with no policy
        final Instant expires;      // fetch time + max_age; null with no policy
        final String failedId;      // the id of the last fetch that gave no policy, or null
        final Instant failedAt;     // when that fetch failed, or null

        Entry(MtaStsPolicy policy, String id, Instant expires, String failedId, Instant failedAt) {
            this.policy = policy;
            this.id = id;
            this.expires = expires;
            this.failedId = failedId;
            this.failedAt = failedAt;
        }

        boolean hasPolicyAt(Instant now) {
            return policy != null && now.isBefore(expires);
        }

        boolean recentlyFailed(String recordId, Instant now) {
            return recordId.equals(failedId) && now.isBefore(failedAt.plus(FETCH_RETRY));
        }
    }

    public MtaStsPolicies(Resolver resolver, Fetcher fetcher, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * The policy to apply to a delivery to {@code domain} now, or empty when it has none (mode
     * {@code none} is returned as it is: the caller treats it like no policy). Asks DNS, and may
     * fetch over HTTPS within the fetcher's timeout.
     */
    public Optional<MtaStsPolicy> policyFor(DomainName domain) {
        String name = domain.ascii();
        ReentrantLock lock = stripes[Math.floorMod(name.hashCode(), STRIPES)];
        lock.lock();
        try {
            return Optional.ofNullable(discover(name));
        } finally {
            lock.unlock();
        }
    }

    /** Runs under the domain's stripe lock; null for no policy. */
    private MtaStsPolicy discover(String domain) {
        Instant now = clock.instant();
        Entry entry = entries.get(domain);
        MtaStsPolicy cached = entry != null && entry.hasPolicyAt(now) ? entry.policy : null;
        MtaStsRecord.Selected selected = record(domain);
        if (selected instanceof MtaStsRecord.Selected.NotFound notFound) {
            if (cached == null) {
                entries.remove(domain); // an expired policy or an old failure: nothing left worth keeping
                LOG.debug(LogLine.of("mta_sts_none").field("domain", domain).field("reason", notFound.reason()).toString());
            }
            return cached;
        }
        String id = ((MtaStsRecord.Selected.Found) selected).record().id();
        if (cached != null && id.equals(entry.id)) {
            return cached;
        }
        if (entry != null && entry.recentlyFailed(id, now)) {
            return cached;
        }
        PolicyFetch fetch = fetcher.fetch(domain);
        Instant fetched = clock.instant();
        String failure;
        switch (fetch) {
            case PolicyFetch.Failed failed -> failure = failed.reason();
            case PolicyFetch.Fetched body -> {
                switch (MtaStsPolicy.parse(body.body())) {
                    case MtaStsPolicy.Parsed.Invalid invalid -> failure = "invalid policy: " + invalid.reason();
                    case MtaStsPolicy.Parsed.Valid valid -> {
                        MtaStsPolicy policy = valid.policy();
                        store(domain, new Entry(policy, id, fetched.plus(policy.maxAge()), null, null), fetched);
                        LOG.info(LogLine.of("mta_sts_policy").field("domain", domain).field("id", id)
                                .field("mode", policy.mode().name().toLowerCase(Locale.ROOT))
                                .field("max_age", policy.maxAge().toSeconds())
                                .field("mx", String.join(",", policy.mxPatterns())).toString());
                        return policy;
                    }
                }
            }
        }
        // RFC 8461 §3.3: no policy fetched; a cached unexpired one still applies.
        store(domain, cached != null ? new Entry(entry.policy, entry.id, entry.expires, id, fetched)
                : new Entry(null, null, null, id, fetched), fetched);
        LOG.info(LogLine.of("mta_sts_fetch_failed").field("domain", domain).field("id", id)
                .field("cached_id", cached != null ? entry.id : "none").field("reason", failure).toString());
        return cached;
    }

    /** The domain's {@code _mta-sts} TXT record, or why there is none. */
    private MtaStsRecord.Selected record(String domain) {
        String name = "_mta-sts." + domain;
        return switch (resolver.txt(name)) {
            case DnsAnswer.Records<String> records -> MtaStsRecord.select(records.records());
            case DnsAnswer.NxDomain<String> none -> new MtaStsRecord.Selected.NotFound("no " + name + " TXT record");
            case DnsAnswer.NoData<String> none -> new MtaStsRecord.Selected.NotFound("no " + name + " TXT record");
            case DnsAnswer.TempFail<String> failed -> new MtaStsRecord.Selected.NotFound("TXT lookup of " + name
                    + " failed: " + failed.reason());
        };
    }

    private void store(String domain, Entry entry, Instant now) {
        if (entries.size() >= MAX_ENTRIES && !entries.containsKey(domain)) {
            // XXX no LRU: expired entries and stale failures go first, then whichever comes first.
            entries.values().removeIf(old -> !old.hasPolicyAt(now) && (old.failedAt == null
                    || !now.isBefore(old.failedAt.plus(FETCH_RETRY))));
            Iterator<String> any = entries.keySet().iterator();
            while (entries.size() >= MAX_ENTRIES && any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        entries.put(domain, entry);
    }

    /** How many domains are remembered (tests). */
    int size() {
        return entries.size();
    }
}
