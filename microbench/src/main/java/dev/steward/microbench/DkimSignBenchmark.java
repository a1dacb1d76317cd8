package dev.steward.microbench;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimSigner;
import dev.steward.mail.model.DomainName;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
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

/**
 * DKIM signatures per second on one core: relaxed/relaxed canonicalisation, the body hash, header
 * selection and the signature, exactly as the relay's cleanup calls {@link DkimSigner#sign(byte[])}
 * for a message held in memory. One thread, so ops/s is per core; the inverse is the CPU time a
 * signature adds to a message.
 *
 * <p>The message is a typical application mail: the header fields an app writes (From, To,
 * Subject, Date, Message-ID, MIME-Version, Content-Type) and a text body of 76-octet lines filling
 * the size. JVM options as the launcher's where they matter here (serial GC, 64 MiB heap, the
 * default tiered JIT, whose C2 intrinsics carry RSA's BigInteger arithmetic).
 *
 * <p>Run with {@code make bench-dkim} (results in {@code docs/benchmarks-dkim.md}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx64m"})
public class DkimSignBenchmark {

    @Param({"rsa", "ed25519"})
    public String algorithm;

    @Param({"1024", "65536", "1048576"})
    public int size;

    private DkimSigner signer;
    private byte[] message;

    @Setup
    public void setUp() {
        KeyPair keys = algorithm.equals("rsa") ? DkimKeys.generateRsa(2048) : DkimKeys.generateEd25519();
        signer = new DkimSigner(DomainName.parse("app.example.test"), "nexx", keys.getPrivate(), Clock.systemUTC());
        message = message(size);
    }

    @Benchmark
    public String sign() {
        return signer.sign(message);
    }

    static byte[] message(int size) {
        StringBuilder text = new StringBuilder()
                .append("From: Shop <orders@app.example.test>\r\n")
                .append("To: Customer <someone@example.org>\r\n")
                .append("Subject: Your order 12345 has shipped\r\n")
                .append("Date: Sat, 28 Nov 2026 10:00:00 +0100\r\n")
                .append("Message-ID: <12345.1764320400@app.example.test>\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("\r\n");
        String line = "The quick brown fox jumps over the lazy dog, and the order ships today.  x\r\n";
        while (text.length() + line.length() <= size) {
            text.append(line);
        }
        while (text.length() < size - 2) {
            text.append('.');
        }
        text.append("\r\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
