package dev.steward.smtp.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WriteWatchdogTest {

    @Test
    void armed_pastLimit_fires() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        WriteWatchdog watchdog = new WriteWatchdog(expired::countDown);
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
        WriteWatchdog watchdog = new WriteWatchdog(expired::countDown);
        watchdog.arm(Duration.ofMinutes(10));
        watchdog.disarm();
        watchdog.arm(Duration.ofMillis(30));
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
        watchdog.stop();
    }

    @Test
    void disarmed_beforeLimit_doesNotFire_laterArmDoes() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        WriteWatchdog watchdog = new WriteWatchdog(expired::countDown);
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
    void stopped_neverFires() {
        WriteWatchdog watchdog = new WriteWatchdog(() -> {
            throw new AssertionError("fired after stop");
        });
        watchdog.stop();
        watchdog.arm(Duration.ofMillis(1));
        assertThat(watchdog.fired()).isFalse();
    }
}
