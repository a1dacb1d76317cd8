package dev.steward.agent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The network throughput test: one HTTP GET of an endpoint that serves a large body (the control
 * plane's, given in the job), read to the end and thrown away. The seed measured with speedtest.net
 * against a public server; SPEC-2 asks for "a network throughput test", and a download from the
 * control plane measures the same path the application's users take to the server, without a
 * third party.
 *
 * <p>Bounded: the whole transfer must end within {@code timeout} (the connection is closed and the
 * test fails otherwise) and at most {@code maxBytes} are read (the rest is not waited for; the
 * figure is computed over what was read). Figures: {@code network_download_bandwidth} (MiB/s over
 * the body, from its first byte to its last) and {@code network_time_to_first_byte} (ms, from the
 * request to the first byte of the body, connection set-up included).
 *
 * <p>Thread safety: immutable; each {@link #measure} uses a fresh client.
 *
 * @param timeout the limit for connecting and for the whole transfer
 * @param maxBytes how much of the body to read at most
 */
public record NetworkThroughput(Duration timeout, long maxBytes) {

    /** 1 GiB and 5 minutes: the full profile. */
    public static final NetworkThroughput DEFAULT = new NetworkThroughput(Duration.ofMinutes(5), 1L << 30);

    public NetworkThroughput {
        Objects.requireNonNull(timeout, "timeout");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
    }

    /**
     * What one download measured.
     *
     * @param bytes body bytes read
     * @param timedBytes the bytes that {@code seconds} covers: all but the first chunk, which
     *     arrived at the start of the timing (all of them when the body came in one chunk)
     * @param seconds from the first chunk of the body to its last (from the request when the body
     *     came in one chunk)
     * @param timeToFirstByteMillis from sending the request to the first body byte
     * @param truncated whether reading stopped at {@code maxBytes}
     */
    public record Measurement(long bytes, long timedBytes, double seconds, double timeToFirstByteMillis,
            boolean truncated) {

        /** MiB per second: the timed bytes over the seconds. */
        public double mibPerSecond() {
            return timedBytes / (double) (1 << 20) / Math.max(seconds, 1e-6);
        }

        /** {@code network_download_bandwidth} and {@code network_time_to_first_byte}. */
        public List<Figure> figures() {
            return List.of(
                    Figure.higher("network", "download_bandwidth", "MiB/s", mibPerSecond()),
                    Figure.lower("network", "time_to_first_byte", "ms", timeToFirstByteMillis));
        }
    }

    /**
     * Downloads {@code url} and measures it.
     *
     * @throws IOException when the request fails, the status is not 200, the body is empty, or the
     *     transfer takes longer than the timeout
     */
    public Measurement measure(URI url) throws IOException {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IOException("network test URL must be http or https: " + url);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch done = new CountDownLatch(1);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            // A stalled body would block read() for ever: at the deadline the watchdog shuts the
            // client down, which fails the pending read with an IOException.
            Thread watchdog = Thread.ofVirtual().name("network-test-watchdog").start(() -> {
                try {
                    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                        client.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    client.shutdownNow();
                }
            });
            try {
                return download(client, url, deadline);
            } catch (IOException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new HttpTimeoutException("GET " + url + " did not finish within " + timeout.toSeconds() + " s");
                }
                throw e;
            } finally {
                done.countDown();
                watchdog.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during GET " + url, e);
        }
    }

    private Measurement download(HttpClient client, URI url, long deadline) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("Accept-Encoding", "identity").build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + " answered " + response.statusCode() + ", expected 200");
            }
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            long firstChunk = 0;
            long first = 0;
            long last = 0;
            boolean truncated = false;
            int read;
            while ((read = body.read(buffer, 0, (int) Math.min(buffer.length, maxBytes - total))) > 0) {
                long now = System.nanoTime();
                if (total == 0) {
                    first = now;
                    firstChunk = read;
                }
                total += read;
                last = now;
                if (now - deadline > 0) {
                    throw new HttpTimeoutException("GET " + url + " took longer than " + timeout.toSeconds()
                            + " s (" + total + " bytes read)");
                }
                if (total >= maxBytes) {
                    // A body of exactly maxBytes ends here; a longer one has more to read.
                    truncated = body.read() >= 0;
                    break;
                }
            }
            if (total == 0) {
                throw new IOException("GET " + url + " returned an empty body");
            }
            // The first chunk arrived at `first`: the rate is the rest over the time after it; a body
            // that came in one chunk is timed from the request.
            double seconds = last > first ? (last - first) / 1e9 : (last - sent) / 1e9;
            long timedBytes = last > first ? total - firstChunk : total;
            return new Measurement(total, timedBytes, seconds, (first - sent) / 1e6, truncated);
        }
    }
}
