package dev.steward.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private NSD instance, driven through {@code scripts/dns-instance}: its own config, pid and log
 * under {@code <dir>}, UDP and TCP on {@code 127.0.0.1} (and {@code ::1}) on a free port.
 * {@link #start} returns once NSD has loaded its zones; {@link #close} once it has exited.
 * One-thread-at-a-time.
 */
final class DnsInstance implements AutoCloseable {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private boolean running; // false once close() ran

    private DnsInstance(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.running = true;
    }

    /** Starts NSD serving {@code zoneFiles} (each with an {@code $ORIGIN} line) on a free loopback port. */
    static DnsInstance start(Path dir, List<Path> zoneFiles) {
        // A free TCP port is usually free for UDP too; the script checks both and refuses otherwise.
        int port = RelayProcess.freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of(InteropPaths.dnsInstanceScript().toString(),
                "start", dir.toString(), "--port", Integer.toString(port)));
        for (Path zone : zoneFiles) {
            command.add("--zone-file");
            command.add(zone.toString());
        }
        CommandRun.Result result = CommandRun.run(command, dir.getParent(), dir.getFileName() + "-start", SCRIPT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("the private NSD instance did not start\n" + result.describe());
        }
        return new DnsInstance(dir, port);
    }

    /** {@code 127.0.0.1:PORT}, as {@code [dns] servers} takes it. */
    String server() {
        return "127.0.0.1:" + port;
    }

    Path log() {
        return dir.resolve("nsd.log");
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        CommandRun.Result result = CommandRun.run(
                List.of(InteropPaths.dnsInstanceScript().toString(), "stop", dir.toString()),
                dir.getParent(), dir.getFileName() + "-stop", SCRIPT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("the private NSD instance did not stop cleanly\n" + result.describe());
        }
    }
}
