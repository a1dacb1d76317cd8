package dev.steward.agent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Real outputs captured on Debian 12 with its packages fio 3.33 and sysbench 1.0.20, running the
 * quick profile (the commands are in the fio files' "job options"; sysbench ran
 * {@code sysbench cpu --threads=2 --cpu-max-prime=10000 --time=2 run} and
 * {@code sysbench memory --threads=2 --memory-block-size=1K --memory-total-size=100G --memory-oper=write --memory-scope=global --time=2 run}).
 */
final class Fixtures {

    static final String FIO_RANDWRITE = "fio-3.33-randwrite-quick.json";
    static final String FIO_RANDREAD = "fio-3.33-randread-quick.json";
    static final String FIO_RANDRW = "fio-3.33-randrw-quick.json";
    static final String SYSBENCH_CPU = "sysbench-1.0.20-cpu-quick.txt";
    static final String SYSBENCH_MEMORY = "sysbench-1.0.20-memory-quick.txt";

    private Fixtures() {
    }

    static String read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
