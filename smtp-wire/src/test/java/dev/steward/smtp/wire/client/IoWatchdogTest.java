package dev.steward.smtp.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IoWatchdogTest {

    @Test
    void armed_pastLimit_fires() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        IoWatchdog watchdog = new IoWatchdog(expired::countDown);
        long start = System.nanoTime();
        watchdog.arm(Duration.ofMillis(50));
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(watchdog.fired()).isTrue();
        assertThat(watchdog.limit()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void earlierDeadline_wakesTheWatchdog() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        IoWatchdog watchdog = new IoWatchdog(expired::countDown);
        watchdog.arm(Duration.ofMinutes(10));
        watchdog.disarm();
        watchdog.arm(Duration.ofMillis(30));
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
        watchdog.stop();
    }

    @Test
    void disarmed_beforeLimit_doesNotFire_laterArmDoes() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        IoWatchdog watchdog = new IoWatchdog(expired::countDown);
        for (int i = 0; i < 1000; i++) {
            watchdog.arm(Duration.ofSeconds(30));
            watchdog.disarm();
        }
        assertThat(watchdog.fired()).isFalse();
        long start = System.nanoTime();
        watchdog.arm(Duration.ofMillis(40));
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void streamOfOperationsWithAlternatingLimits_wakesTheThreadOnlyWhileLearningTheShortestLimit() throws InterruptedException {
        IoWatchdog watchdog = new IoWatchdog(() -> {
            throw new AssertionError("fired");
        });
        try {
            // As an SMTP session's waits: command replies 5 min, 354 2 min, content writes 3 min, the
            // final reply 10 min; each ends at once, as on a fast connection.
            Duration[] limits = {Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(2),
                    Duration.ofMinutes(3), Duration.ofMinutes(10)};
            for (int message = 0; message < 20; message++) {
                for (Duration limit : limits) {
                    watchdog.arm(limit);
                    watchdog.disarm();
                    if (!limit.equals(Duration.ofMinutes(2)) && !limit.equals(Duration.ofMinutes(3))) {
                        // The pace of a real session: a woken thread runs before the next operation
                        // (a tight loop would hide extra signals). It finds the session already
                        // past the short waits, in the 10-minute one, as it does under load.
                        Thread.sleep(2);
                    }
                }
            }
            assertThat(watchdog.wakeUps()).isLessThanOrEqualTo(3);
            assertThat(watchdog.fired()).isFalse();
        } finally {
            watchdog.stop();
        }
    }

    @Test
    void stopped_neverFires() {
        IoWatchdog watchdog = new IoWatchdog(() -> {
            throw new AssertionError("fired after stop");
        });
        watchdog.stop();
        watchdog.arm(Duration.ofMillis(1));
        assertThat(watchdog.fired()).isFalse();
    }
}
