package dev.steward.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Where the peers, the scripts and the per-test work directories are. Thread-safe. */
final class InteropPaths {
    /** Debian's interpreter: the machine may also have a pyenv {@code python3} first on PATH. */
    static final Path PYTHON3 = Path.of("/usr/bin/python3");
    static final Path SWAKS = Path.of("/usr/bin/swaks");

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private InteropPaths() {}

    /** The repository root (the failsafe configuration sets {@code steward.root}). */
    static Path root() {
        String root = System.getProperty("steward.root");
        return (root == null ? Path.of("..") : Path.of(root)).toAbsolutePath().normalize();
    }

    static Path postfixInstanceScript() {
        return root().resolve("scripts/postfix-instance");
    }

    static Path dnsInstanceScript() {
        return root().resolve("scripts/dns-instance");
    }

    static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A fresh directory for one test, kept after the run so a failure can be inspected. */
    static Path newWorkDir(String name) {
        String base = System.getProperty("steward.interop.work", "target/interop-work");
        Path dir = Path.of(base).toAbsolutePath()
                .resolve(name + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        try {
            // Postfix daemons and helpers traverse this path after dropping privileges.
            Files.createDirectories(dir);
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + dir, e);
        }
    }
}
