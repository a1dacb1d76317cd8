package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BatchedStdoutAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private BatchedStdoutAppender appender;

    @AfterEach
    void stop() {
        if (appender != null) {
            appender.stop();
        }
    }

    /** An output that counts its write calls and can hold the writer inside the first one. */
    private static final class Output extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();
        final CountDownLatch inFirstWrite = new CountDownLatch(1);
        final CountDownLatch release;

        Output(boolean holdFirstWrite) {
            release = new CountDownLatch(holdFirstWrite ? 1 : 0);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (writes.incrementAndGet() == 1) {
                inFirstWrite.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (bytes) {
                bytes.write(b, off, len);
            }
        }

        List<String> lines() {
            synchronized (bytes) {
                String text = bytes.toString(StandardCharsets.UTF_8);
                return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
            }
        }
    }

    private BatchedStdoutAppender start(Output out) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender = new BatchedStdoutAppender(out);
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent("test", context.getLogger("test"), Level.INFO, message, null, null);
    }

    @Test
    void linesFromManyThreads_eachWrittenOnceInItsThreadsOrder_nothingLeftAfterStop() throws Exception {
        Output out = new Output(false);
        start(out);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    appender.doAppend(event("t" + thread + " " + i));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        appender.stop();

        List<String> lines = out.lines();
        assertThat(lines).hasSize(20_000).doesNotHaveDuplicates();
        for (int t = 0; t < 4; t++) {
            String prefix = "t" + t + " ";
            List<Integer> order = lines.stream().filter(line -> line.startsWith(prefix))
                    .map(line -> Integer.parseInt(line.substring(prefix.length()))).toList();
            assertThat(order).isSorted().hasSize(5_000);
        }
    }

    @Test
    void linesQueuedWhileTheOutputIsBusy_goOutInOneWrite() throws Exception {
        Output out = new Output(true);
        start(out);
        appender.doAppend(event("first"));
        assertThat(out.inFirstWrite.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is held in its first write
        for (int i = 0; i < 1_000; i++) {
            appender.doAppend(event("line " + i));
        }
        out.release.countDown();
        appender.stop();

        assertThat(out.lines()).hasSize(1_001).startsWith("first", "line 0").endsWith("line 999");
        assertThat(out.writes.get()).isEqualTo(2); // one system call for the thousand lines, not a thousand
    }

    @Test
    void outputStalled_loggingBlocksAtTheBound_thenEveryLineIsWritten() throws Exception {
        Output out = new Output(true);
        start(out);
        appender.doAppend(event("first"));
        assertThat(out.inFirstWrite.await(10, TimeUnit.SECONDS)).isTrue();
        int total = BatchedStdoutAppender.MAX_PENDING + 100;
        AtomicInteger appended = new AtomicInteger();
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < total; i++) {
                appender.doAppend(event("line " + i));
                appended.incrementAndGet();
            }
        });
        // The producer stops at the bound: it waits for the writer instead of queueing on.
        while (producer.getState() != Thread.State.TIMED_WAITING || appended.get() < BatchedStdoutAppender.MAX_PENDING) {
            assertThat(producer.isAlive()).as("the producer must block at the bound, not finish").isTrue();
            Thread.onSpinWait();
        }
        assertThat(appended.get()).isLessThanOrEqualTo(BatchedStdoutAppender.MAX_PENDING);
        out.release.countDown();
        producer.join();
        appender.stop();

        assertThat(out.lines()).hasSize(total + 1).endsWith("line " + (total - 1));
    }
}
