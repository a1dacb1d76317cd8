package dev.steward.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The Steward relay as a child JVM: {@code java -cp <test class path> dev.steward.relay.app.StewardCli
 * relay --config <work>/relay.toml}, on a free loopback port, its output kept in memory and in
 * {@code <work>/relay.log}.
 *
 * <p>{@link #start} returns once the relay logged {@code relay_started}; {@link #close} sends
 * SIGTERM and waits (then kills). Thread-safe: one reader thread appends lines, tests wait on them.
 */
final class RelayProcess implements AutoCloseable {
    static final String MAIN_CLASS = "dev.steward.relay.app.StewardCli";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The settings a test varies; everything else is fixed. By default delivery is off (the
     * intake tests keep accepted mail queued) and the relay gets no test overrides and no extra
     * JVM options.
     *
     * @param delivery           {@code [delivery] enabled}
     * @param deliveryKeys       more {@code [delivery]} lines, such as {@code connect_timeout = "5s"}
     * @param extraSections      whole TOML sections appended to the file: {@code [dns]},
     *                           {@code [smarthost]}, {@code [testing]}, ...
     * @param allowTestOverrides start with {@code --allow-test-overrides} (needed for {@code [testing]})
     * @param jvmOptions         options for the relay's JVM, after the defaults (as {@code
     *                           STEWARD_JAVA_OPTS} for {@code bin/steward}), such as a trust store
     */
    record Settings(String hostname, List<String> appDomains, String maxMessageSize, int maxRecipients,
            boolean delivery, String deliveryKeys, String extraSections, boolean allowTestOverrides,
            List<String> jvmOptions) {
        static Settings defaults() {
            return new Settings("relay.example.test", List.of("app.example.test"), "25MiB", 100, false, "", "", false,
                    List.of());
        }

        Settings withMaxMessageSize(String size) {
            return new Settings(hostname, appDomains, size, maxRecipients, delivery, deliveryKeys, extraSections,
                    allowTestOverrides, jvmOptions);
        }

        Settings withMaxRecipients(int count) {
            return new Settings(hostname, appDomains, maxMessageSize, count, delivery, deliveryKeys, extraSections,
                    allowTestOverrides, jvmOptions);
        }

        /** Delivery on, with these extra {@code [delivery]} lines (may be empty). */
        Settings withDelivery(String keys) {
            return new Settings(hostname, appDomains, maxMessageSize, maxRecipients, true, keys, extraSections,
                    allowTestOverrides, jvmOptions);
        }

        /** These TOML sections appended; {@code [testing]} also needs {@link #withTestOverrides()}. */
        Settings withSections(String toml) {
            return new Settings(hostname, appDomains, maxMessageSize, maxRecipients, delivery, deliveryKeys,
                    extraSections + toml, allowTestOverrides, jvmOptions);
        }

        Settings withTestOverrides() {
            return new Settings(hostname, appDomains, maxMessageSize, maxRecipients, delivery, deliveryKeys,
                    extraSections, true, jvmOptions);
        }

        Settings withJvmOptions(String... options) {
            return new Settings(hostname, appDomains, maxMessageSize, maxRecipients, delivery, deliveryKeys,
                    extraSections, allowTestOverrides, List.of(options));
        }

        /** The relay.toml text for a relay listening on 127.0.0.1:port with its queue in queueDir. */
        String toml(int port, Path queueDir) {
            String deliverySection = delivery
                    ? "[delivery]\nenabled = true\n" + (deliveryKeys.isEmpty() || deliveryKeys.endsWith("\n")
                            ? deliveryKeys : deliveryKeys + "\n")
                    : """
                    # The intake interop tests keep accepted mail queued (no DNS, no delivery).
                    [delivery]
                    enabled = false
                    """;
            return """
                    [server]
                    hostname = "%s"

                    [intake]
                    listen = ["127.0.0.1:%d"]
                    app_domains = [%s]
                    max_message_size = "%s"
                    max_recipients = %d

                    [queue]
                    directory = "%s"

                    """.formatted(hostname, port,
                    appDomains.stream().map(d -> '"' + d + '"').collect(Collectors.joining(", ")),
                    maxMessageSize, maxRecipients, queueDir) + deliverySection
                    + (extraSections.isEmpty() ? "" : "\n" + extraSections);
        }
    }

    private final Path workDir;
    private final Path configFile;
    private final Path queueDir;
    private final int port;
    private final Process process;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private boolean outputClosed; // guarded by this

    private RelayProcess(Path workDir, Path configFile, Path queueDir, int port, Process process) {
        this.workDir = workDir;
        this.configFile = configFile;
        this.queueDir = queueDir;
        this.port = port;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("relay-output-" + port).start(this::pumpOutput);
    }

    /**
     * Starts a relay on a free loopback port. With delivery off no DNS is asked; a test that turns
     * delivery on must set {@code [dns] servers} (to a private NSD or a closed loopback port) so
     * that no test ever asks a real resolver.
     */
    static RelayProcess start(Path workDir, Settings settings) {
        int port = freeLoopbackPort();
        Path queueDir = workDir.resolve("queue");
        Path config = workDir.resolve("relay.toml");
        try {
            Files.writeString(config, settings.toml(port, queueDir), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> arguments = new ArrayList<>(List.of("relay", "--config", config.toString()));
        if (settings.allowTestOverrides()) {
            arguments.add("--allow-test-overrides");
        }
        List<String> command = cliCommand(settings.jvmOptions(), arguments.toArray(String[]::new));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start the relay: " + command, e);
        }
        RelayProcess relay = new RelayProcess(workDir, config, queueDir, port, process);
        Optional<String> started = relay.awaitLine(line -> line.contains("relay_started"), START_TIMEOUT);
        if (started.isEmpty()) {
            relay.close();
            String exit = process.isAlive() ? "still running" : "exit " + process.exitValue();
            throw new AssertionError("the relay did not log relay_started (" + exit + ", waited at most "
                    + START_TIMEOUT + ")\n" + relay.output());
        }
        if (!started.get().contains("listen=") || !started.get().contains("127.0.0.1:" + port)) {
            relay.close();
            throw new AssertionError("relay_started does not name listen=127.0.0.1:" + port + ": " + started.get());
        }
        return relay;
    }

    /** The JVM command line for any StewardCli subcommand, with the test class path. */
    static List<String> cliCommand(String... args) {
        return cliCommand(List.of(), args);
    }

    /**
     * The same with extra JVM options after the defaults, where {@code bin/steward} puts
     * {@code STEWARD_JAVA_OPTS} (a later option wins).
     */
    static List<String> cliCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(InteropPaths.javaBinary().toString(),
                // As bin/steward runs it: small heap, serial GC, quick start.
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                // XXX: a child JVM's stdout follows the locale (POSIX in CI); mailq prints UTF-8 addresses.
                "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        command.addAll(List.of(args));
        return command;
    }

    private void pumpOutput() {
        Path log = workDir.resolve("relay.log");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                lines.add("(interop: reading relay output failed: " + e + ")");
            }
        } finally {
            synchronized (this) {
                outputClosed = true;
                notifyAll();
            }
        }
    }

    /** The first output line (from the start) that matches, waiting up to {@code timeout}. */
    Optional<String> awaitLine(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (match.test(lines.get(checked))) {
                        return Optional.of(lines.get(checked));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || outputClosed) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    /** Every output line so far that matches. */
    synchronized List<String> lines(Predicate<String> match) {
        return lines.stream().filter(match).toList();
    }

    /**
     * A copy of {@code relay.toml} without its {@code [testing]} section, for {@code queue} and
     * {@code mailq}: they load the same file but take no {@code --allow-test-overrides}, so they
     * refuse a {@code [testing]} section (exit 78).
     */
    Path adminConfigFile() {
        try {
            StringBuilder kept = new StringBuilder();
            boolean testing = false;
            for (String line : Files.readAllLines(configFile, StandardCharsets.UTF_8)) {
                if (line.startsWith("[")) {
                    testing = line.strip().equals("[testing]");
                }
                if (!testing) {
                    kept.append(line).append('\n');
                }
            }
            Path admin = workDir.resolve("relay-admin.toml");
            Files.writeString(admin, kept, StandardCharsets.UTF_8);
            return admin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the relay printed so far, for assertion messages. */
    synchronized String output() {
        return "--- relay output (" + workDir.resolve("relay.log") + ") ---\n" + String.join("\n", lines);
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    Path queueDir() {
        return queueDir;
    }

    Path configFile() {
        return configFile;
    }

    Path workDir() {
        return workDir;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the relay's orderly shutdown
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code count} different ports that were free on 127.0.0.1 a moment ago: all are held open
     * while they are chosen, so no two are the same (the caveat of {@link #freeLoopbackPort} holds).
     */
    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback ports", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that never accepted does not fail in practice.
                }
            }
        }
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago. XXX: another process could take it before the
     * relay binds; the relay then fails to start and the test says so, which is rare enough here.
     */
    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
