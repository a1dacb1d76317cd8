package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.model.DomainName;
import dev.steward.relay.policy.MtaStsPolicy;
import dev.steward.relay.policy.TlsPolicy.MtaStsMode;
import dev.steward.relay.testing.ManualClock;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.InMemoryResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The MTA-STS cache (RFC 8461 §3.3, §5.1) with a manual clock, an in-memory zone and a scripted fetcher. */
class MtaStsPoliciesTest {

    private static final DomainName DOMAIN = DomainName.parse("example.test");
    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
    private static final String TESTING = "version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 3600\n";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryResolver resolver = new InMemoryResolver(zone("v=STSv1; id=one;"));
    private final List<String> fetched = new ArrayList<>(); // domains asked, in order
    private volatile Supplier<PolicyFetch> next = () -> new PolicyFetch.Fetched(ENFORCE); // the fetcher's answer
    private final MtaStsPolicies policies = new MtaStsPolicies(resolver, domain -> {
        synchronized (fetched) {
            fetched.add(domain);
        }
        return next.get();
    }, clock);

    private static DnsZone zone(String... txt) {
        DnsZone.Builder zone = DnsZone.builder().mx("example.test", 10, "mx.example.test");
        for (String record : txt) {
            zone.txt("_mta-sts.example.test", record);
        }
        return zone.build();
    }

    private Optional<MtaStsMode> mode() {
        return policies.policyFor(DOMAIN).map(MtaStsPolicy::mode);
    }

    @Test
    void policyFor_noTxtRecord_noPolicyAndNoFetch() {
        resolver.replaceZone(zone());
        assertThat(policies.policyFor(DOMAIN)).isEmpty();
        assertThat(fetched).isEmpty();
        assertThat(resolver.questions()).containsExactly("TXT _mta-sts.example.test");
    }

    @Test
    void policyFor_validPolicy_fetchedOnceThenCachedWhileTheIdStays() {
        Optional<MtaStsPolicy> first = policies.policyFor(DOMAIN);
        clock.advance(Duration.ofHours(23));
        Optional<MtaStsPolicy> later = policies.policyFor(DOMAIN);

        assertThat(first).contains(new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("mx.example.test"), Duration.ofDays(1)));
        assertThat(later).isEqualTo(first);
        assertThat(fetched).containsExactly("example.test");
    }

    @Test
    void policyFor_newId_fetchedAgain() {
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        resolver.replaceZone(zone("v=STSv1; id=two;"));
        next = () -> new PolicyFetch.Fetched(TESTING);

        assertThat(mode()).contains(MtaStsMode.TESTING);
        assertThat(fetched).hasSize(2);
    }

    @Test
    void policyFor_maxAgePassed_fetchedAgainWithTheSameId() {
        policies.policyFor(DOMAIN);
        clock.advance(Duration.ofDays(1));
        next = () -> new PolicyFetch.Fetched(TESTING);

        assertThat(mode()).contains(MtaStsMode.TESTING);
        assertThat(fetched).hasSize(2);
    }

    @Test
    void policyFor_txtRecordGone_cachedPolicyStillAppliesUntilItExpires() {
        policies.policyFor(DOMAIN);
        resolver.replaceZone(zone());

        clock.advance(Duration.ofHours(12));
        assertThat(mode()).as("RFC 8461 §5.1: cached and unexpired").contains(MtaStsMode.ENFORCE);
        clock.advance(Duration.ofHours(12));
        assertThat(mode()).as("expired, no record").isEmpty();
        assertThat(fetched).hasSize(1);
        assertThat(policies.size()).isZero();
    }

    @Test
    void policyFor_txtLookupFails_cachedPolicyStillApplies() {
        policies.policyFor(DOMAIN);
        resolver.replaceZone(DnsZone.builder().servfail("_mta-sts.example.test").build());
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(fetched).hasSize(1);
    }

    @Test
    void policyFor_newIdButFetchFails_cachedPolicyStillApplies() {
        policies.policyFor(DOMAIN);
        resolver.replaceZone(zone("v=STSv1; id=two;"));
        next = () -> new PolicyFetch.Failed("mta-sts.example.test[192.0.2.1]:443: HTTP 500");

        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        clock.advance(Duration.ofMinutes(1));
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(fetched).as("the failed id is not fetched again within five minutes").hasSize(2);
    }

    @Test
    void policyFor_fetchFailsWithoutCache_noPolicyAndRetriedOnlyAfterFiveMinutes() {
        next = () -> new PolicyFetch.Failed("HTTP 404");
        assertThat(policies.policyFor(DOMAIN)).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(policies.policyFor(DOMAIN)).isEmpty();
        assertThat(fetched).hasSize(1);

        clock.advance(Duration.ofMinutes(1));
        next = () -> new PolicyFetch.Fetched(ENFORCE);
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(fetched).hasSize(2);
    }

    @Test
    void policyFor_failedIdThenNewId_fetchedAtOnce() {
        next = () -> new PolicyFetch.Failed("HTTP 404");
        policies.policyFor(DOMAIN);
        resolver.replaceZone(zone("v=STSv1; id=fixed;"));
        next = () -> new PolicyFetch.Fetched(ENFORCE);

        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(fetched).hasSize(2);
    }

    @Test
    void policyFor_invalidPolicyBody_noPolicy() {
        next = () -> new PolicyFetch.Fetched("version: STSv1\nmode: enforce\nmax_age: 86400\n"); // no mx
        assertThat(policies.policyFor(DOMAIN)).isEmpty();
    }

    @Test
    void policyFor_twoStsRecords_noPolicyAndNoFetch() {
        resolver.replaceZone(zone("v=STSv1; id=one;", "v=STSv1; id=two;"));
        assertThat(policies.policyFor(DOMAIN)).isEmpty();
        assertThat(fetched).isEmpty();
    }

    @Test
    void policyFor_modeNone_returnedAsIs() {
        next = () -> new PolicyFetch.Fetched("version: STSv1\nmode: none\nmax_age: 86400\n");
        assertThat(mode()).contains(MtaStsMode.NONE);
    }

    @Test
    void policyFor_maxAgeZero_appliesOnceThenFetchedAgain() {
        next = () -> new PolicyFetch.Fetched("version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 0\n");
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(mode()).contains(MtaStsMode.ENFORCE);
        assertThat(fetched).hasSize(2);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void policyFor_concurrentCallers_oneFetch() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        next = () -> {
            fetching.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new PolicyFetch.Fetched(ENFORCE);
        };
        AtomicInteger enforced = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                if (mode().equals(Optional.of(MtaStsMode.ENFORCE))) {
                    enforced.incrementAndGet();
                }
            }));
        }
        fetching.await();
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(enforced).hasValue(8);
        assertThat(fetched).hasSize(1);
    }
}
