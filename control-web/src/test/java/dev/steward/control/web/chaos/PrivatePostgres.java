package dev.steward.control.web.chaos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster the chaos test may restart and crash: {@code initdb} into a temp
 * directory, {@code pg_ctl start} on a free loopback port with the socket in that directory. The
 * machine's shared PostgreSQL (5432, used by the other tests) is never touched.
 *
 * <p>PostgreSQL refuses to run as root: when the test runs as root (CI), every {@code initdb} and
 * {@code pg_ctl} runs as the {@code postgres} system user ({@code runuser -u postgres --}), which
 * owns the temp directory; otherwise as the current user. Trust authentication, user
 * {@code postgres}, database {@code postgres}. {@link #close()} stops the cluster (immediate) and
 * deletes the directory.
 *
 * <p>Thread safety: not thread-safe; one thread drives it.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path directory;
    private final Path data;
    private final int port;
    private final String binaries;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path directory, int port, String binaries, boolean asPostgresUser) {
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = port;
        this.binaries = binaries;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates and starts a cluster on a free port. */
    static PrivatePostgres start() throws IOException, InterruptedException {
        String binaries = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory = Files.createTempDirectory("steward-chaos-pg-");
        PrivatePostgres pg = new PrivatePostgres(directory, freePort(), binaries, root);
        try {
            if (root) {
                run(List.of("chown", "postgres:postgres", directory.toString()));
            }
            pg.asOwner(List.of(binaries + "/initdb", "-D", pg.data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-instructions"));
            pg.pgCtl("start");
            return pg;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** The JDBC URL of the cluster's {@code postgres} database. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    int port() {
        return port;
    }

    /**
     * {@code pg_ctl restart -m MODE} and waits until it accepts connections again: {@code fast}
     * (connections are told and closed, a checkpoint) or {@code immediate} (a crash: every process
     * killed, WAL replayed at the start).
     *
     * @return how long the restart took, in milliseconds
     */
    long restart(String mode) throws IOException, InterruptedException {
        if (!mode.equals("fast") && !mode.equals("immediate")) {
            throw new IllegalArgumentException("mode must be fast or immediate: " + mode);
        }
        long start = System.nanoTime();
        pgCtl("restart", "-m", mode);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private void pgCtl(String action, String... more) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binaries + "/pg_ctl", action, "-D", data.toString(), "-w",
                "-t", "60", "-l", directory.resolve("postgres.log").toString(), "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c max_connections=100"));
        command.addAll(List.of(more));
        asOwner(command);
    }

    private void asOwner(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // pg_ctl's server inherits no pipe of ours (its output goes to -l), so the read ends.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + output);
        }
    }

    /** The newest installed server's binaries ({@code /usr/lib/postgresql/<major>/bin}). */
    private static String binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("no PostgreSQL server installed (" + root + " is missing)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin").toString())
                    .orElseThrow(() -> new IOException("no pg_ctl under " + root));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the cluster (if it runs) and deletes its directory. */
    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                pgCtl("stop", "-m", "immediate");
            }
        } catch (IOException e) {
            System.err.println("private PostgreSQL did not stop: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + directory + ": " + e.getMessage());
        }
    }
}
