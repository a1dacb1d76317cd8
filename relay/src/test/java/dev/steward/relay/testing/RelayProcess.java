package dev.steward.relay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The relay as a child JVM (for crash tests): started from this test's class path, killed for real. */
public final class RelayProcess implements AutoCloseable {

    private static final Pattern LISTEN = Pattern.compile("relay_started listen=([0-9.]+):(\\d+)");

    private final Process process;
    private final InetSocketAddress address;

    private RelayProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the relay and waits (on its log, not a timer) until it accepts connections. */
    public static RelayProcess start(Path config, String... extraArguments) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.steward.relay.app.StewardCli", "relay", "--config", config.toString()));
        command.addAll(List.of(extraArguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    Matcher matcher = LISTEN.matcher(line);
                    if (matcher.find()) {
                        started.complete(new InetSocketAddress(matcher.group(1), Integer.parseInt(matcher.group(2))));
                    }
                }
                started.completeExceptionally(new IOException("relay exited before listening:\n" + log));
            } catch (IOException closed) {
                started.completeExceptionally(closed);
            }
        });
        try {
            return new RelayProcess(process, started.get(30, TimeUnit.SECONDS));
        } catch (Exception failure) {
            process.destroyForcibly();
            throw new IOException("relay did not start: " + failure.getMessage(), failure);
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait until the process is gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill9();
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
