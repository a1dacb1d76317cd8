package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkThroughputTest {

    private DownloadServer server;

    @BeforeEach
    void start() throws IOException {
        server = new DownloadServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsTheWholeBodyAndMeasuresIt() throws IOException {
        NetworkThroughput.Measurement m = new NetworkThroughput(Duration.ofSeconds(30), 1L << 30)
                .measure(URI.create(server.url("/mib/16")));

        assertThat(m.bytes()).isEqualTo(16L << 20);
        assertThat(m.truncated()).isFalse();
        assertThat(m.timedBytes()).isPositive().isLessThanOrEqualTo(16L << 20);
        assertThat(m.seconds()).isPositive();
        assertThat(m.mibPerSecond()).isPositive().isFinite();
        assertThat(m.timeToFirstByteMillis()).isPositive();
        assertThat(m.figures()).extracting(Figure::name)
                .containsExactly("network_download_bandwidth", "network_time_to_first_byte");
    }

    @Test
    void stopsAtTheByteLimit() throws IOException {
        NetworkThroughput.Measurement m = new NetworkThroughput(Duration.ofSeconds(30), 3L << 20)
                .measure(URI.create(server.url("/mib/16")));

        assertThat(m.bytes()).isEqualTo(3L << 20);
        assertThat(m.truncated()).isTrue();
    }

    @Test
    void aBodyOfExactlyTheLimitIsNotTruncated() throws IOException {
        NetworkThroughput.Measurement m = new NetworkThroughput(Duration.ofSeconds(30), 4L << 20)
                .measure(URI.create(server.url("/mib/4")));

        assertThat(m.bytes()).isEqualTo(4L << 20);
        assertThat(m.truncated()).isFalse();
    }

    @Test
    void aStatusOtherThan200IsAFailure() {
        assertThatThrownBy(() -> new NetworkThroughput(Duration.ofSeconds(10), 1 << 20)
                .measure(URI.create(server.url("/missing")))).isInstanceOf(IOException.class)
                .hasMessageContaining("answered 404");
    }

    @Test
    void aStalledBodyEndsAtTheTimeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> new NetworkThroughput(Duration.ofSeconds(2), 1L << 30)
                .measure(URI.create(server.url("/stall")))).isInstanceOf(HttpTimeoutException.class)
                .hasMessageContaining("within 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void onlyHttpUrls() {
        assertThatThrownBy(() -> NetworkThroughput.DEFAULT.measure(URI.create("file:///etc/passwd")))
                .hasMessageContaining("http or https");
    }
}
