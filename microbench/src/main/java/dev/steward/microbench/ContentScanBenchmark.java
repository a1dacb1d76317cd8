package dev.steward.microbench;

import dev.steward.smtp.wire.BareLf;
import dev.steward.smtp.wire.DataLimits;
import dev.steward.smtp.wire.DataResult;
import dev.steward.smtp.wire.DotStuffingOutputStream;
import dev.steward.smtp.wire.SmtpInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two scans every octet of a relayed message passes through: the intake's end-of-data scan
 * ({@link SmtpInput#readData}: dot-unstuffing, line limits, bare CR and LF checks) and delivery's
 * dot-stuffing ({@link DotStuffingOutputStream}), one message per operation, on one core.
 *
 * <p>The message is what {@code smtp-source -l SIZE} sends in the benchmarks: a few header lines
 * and a body of 78-octet lines filling the size. The intake reads it through an 8 KiB buffer
 * from memory (no socket), and the stuffing writes it in 16 KiB chunks to a stream that drops
 * it, as the relay does; what is measured is the Java code, not the system calls around it.
 *
 * <p>Run by hand: {@code java -cp microbench/target/steward-microbench-*.jar:microbench/target/lib/*
 * org.openjdk.jmh.Main ContentScanBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx64m"})
public class ContentScanBenchmark {

    @Param({"1024", "65536"})
    public int size;

    private byte[] message;   // as on the wire: stuffed, ending in CRLF . CRLF
    private byte[] content;   // as queued
    private final byte[] chunk = new byte[16 * 1024];
    private final DataLimits limits = new DataLimits(10L * 1024 * 1024, 1000, BareLf.REJECT);
    private final OutputStream drop = OutputStream.nullOutputStream();

    @Setup
    public void setUp() {
        StringBuilder text = new StringBuilder("From: <app@app.example.test>\r\nTo: <to@bench.test>\r\n"
                + "Subject: benchmark\r\n\r\n");
        int line = 0;
        while (text.length() < size) {
            String prefix = Integer.toString(line++);
            text.append(prefix).append("X".repeat(78 - prefix.length())).append("\r\n");
        }
        content = text.toString().getBytes(StandardCharsets.US_ASCII);
        message = (text + ".\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public DataResult intakeScan() throws IOException {
        return new SmtpInput(new ByteArrayInputStream(message)).readData(limits, drop);
    }

    @Benchmark
    public void deliveryStuffing(Blackhole hole) throws IOException {
        DotStuffingOutputStream body = new DotStuffingOutputStream(drop);
        ByteArrayInputStream in = new ByteArrayInputStream(content);
        for (int count; (count = in.read(chunk)) > 0; ) {
            body.write(chunk, 0, count);
        }
        body.finish();
        hole.consume(body.contentBytes());
    }
}
