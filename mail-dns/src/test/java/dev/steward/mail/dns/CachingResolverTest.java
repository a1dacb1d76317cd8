package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CachingResolverTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final FakeResolver fake = FakeResolver.parse(
            "example.test MX 10 mx1.example.test; mx1.example.test A 127.0.0.1; broken.test MX !servfail");
    private final CachingResolver cache = new CachingResolver(fake, clock, Duration.ofSeconds(30), 2);

    @Test
    void mx_askedTwiceWithinMaxAge_oneQuestion() {
        assertThat(cache.mx("example.test")).isInstanceOf(DnsAnswer.Records.class);
        assertThat(cache.mx("EXAMPLE.test")).isEqualTo(cache.mx("example.test"));
        assertThat(fake.questions()).containsExactly("MX example.test");
    }

    @Test
    void mx_afterMaxAge_askedAgain() {
        cache.mx("example.test");
        clock.now = clock.now.plusSeconds(30);
        cache.mx("example.test");
        assertThat(fake.questions()).containsExactly("MX example.test", "MX example.test");
    }

    @Test
    void tempFail_neverCached() {
        assertThat(cache.mx("broken.test")).isInstanceOf(DnsAnswer.TempFail.class);
        cache.mx("broken.test");
        assertThat(fake.questions()).containsExactly("MX broken.test", "MX broken.test");
    }

    @Test
    void negativeAnswers_cachedLikeRecords() {
        assertThat(cache.mx("nowhere.test")).isInstanceOf(DnsAnswer.NxDomain.class);
        cache.mx("nowhere.test");
        assertThat(fake.questions()).containsExactly("MX nowhere.test");
    }

    @Test
    void full_leastRecentlyUsedAnswerDropped() {
        cache.mx("example.test");
        cache.ipv4("mx1.example.test");
        cache.mx("example.test"); // now the A answer is the least recently used
        cache.ipv6("mx1.example.test");
        cache.ipv4("mx1.example.test");
        assertThat(fake.questions()).containsExactly("MX example.test", "A mx1.example.test", "AAAA mx1.example.test",
                "A mx1.example.test");
    }
}
