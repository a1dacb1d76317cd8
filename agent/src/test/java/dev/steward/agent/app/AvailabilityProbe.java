package dev.steward.agent.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures downtime from the application's side, independently of the executor: a virtual thread
 * GETs the health URL every {@link #PERIOD} and records when an answer was 200 and from which
 * version. The outage is the gap between the last good answer before the first bad one and the
 * first good answer after it.
 */
final class AvailabilityProbe {

    static final Duration PERIOD = Duration.ofMillis(10);

    record Sample(long nanos, boolean ok, String version) {
    }

    private final URI url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Sample> samples = new ArrayList<>(); // guarded by itself
    private final Thread thread;
    private volatile boolean running = true; // cleared by close()

    AvailabilityProbe(String url) {
        this.url = URI.create(url);
        this.thread = Thread.ofVirtual().name("availability-probe").start(this::loop);
    }

    private void loop() {
        while (running) {
            boolean ok = false;
            String version = null;
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                ok = response.statusCode() == 200;
                version = response.headers().firstValue("X-Version").orElse(null);
            } catch (IOException down) {
                // a refused connection is a sample of an outage
            } catch (InterruptedException stop) {
                return;
            }
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime(), ok, version));
                samples.notifyAll();
            }
            try {
                Thread.sleep(PERIOD); // sampling period of a measurement, not a wait for an event
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * The first outage after the application was first seen up (samples before that, while it was
     * still starting, do not count), or {@link Duration#ZERO} when every later sample was good.
     */
    Duration outage() {
        List<Sample> all = samples();
        int firstGood = 0;
        while (firstGood < all.size() && !all.get(firstGood).ok()) {
            firstGood++;
        }
        int firstBad = -1;
        for (int i = firstGood; i < all.size(); i++) {
            if (!all.get(i).ok()) {
                firstBad = i;
                break;
            }
        }
        if (firstBad < 0) {
            return Duration.ZERO;
        }
        for (int i = firstBad; i < all.size(); i++) {
            if (all.get(i).ok()) {
                return Duration.ofNanos(all.get(i).nanos() - all.get(firstBad - 1).nanos());
            }
        }
        throw new IllegalStateException("the application did not come back while measuring");
    }

    /** The version of the last good answer. */
    String lastGoodVersion() {
        List<Sample> all = samples();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).ok()) {
                return all.get(i).version();
            }
        }
        return null;
    }

    /**
     * Waits (bounded) until a good answer follows a bad one, or, when {@code afterOutage} is false,
     * until any good answer; returns whether that happened.
     */
    boolean await(boolean afterOutage, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (samples) {
            while (true) {
                boolean seenGood = false;
                boolean seenBad = false;
                for (Sample sample : samples) {
                    if (!sample.ok()) {
                        seenBad = seenBad || seenGood; // bad samples before the first good one are the start
                    } else if (!afterOutage || seenBad) {
                        return true;
                    } else {
                        seenGood = true;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                samples.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Whether at least one good answer was recorded (to wait for the first sample, bounded). */
    boolean sawGood() {
        return samples().stream().anyMatch(Sample::ok);
    }

    void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
        client.close();
    }
}
