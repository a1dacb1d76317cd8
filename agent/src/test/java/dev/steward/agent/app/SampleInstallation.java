package dev.steward.agent.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An installation of {@link SampleApp} in a temporary directory, with the shell scripts a real
 * recipe would call:
 * <pre>
 * app/current                 the installed version (the version command cats it)
 * app/versions/N/status       what version N answers on /health (200, or 500 for a broken one)
 * app/versions/N/hang         if present, installing N hangs (sleep 60 in the background, pid in app/hang.pid)
 * app/fail-backup             if present, backup.sh fails with exit status 3
 * app/fail-rollback           if present, rollback.sh fails with exit status 4
 * app/backup-ran, update-ran  markers the scripts append to, so tests see what ran
 * bin/start.sh stop.sh backup.sh update.sh rollback.sh
 * </pre>
 * Versions 1 and 2 are good, 3 answers 500, 4 hangs while installing.
 */
final class SampleInstallation {

    final Path root;
    final Path app;
    final Path bin;
    final int port;

    SampleInstallation(Path root) throws IOException, URISyntaxException {
        this.root = root;
        this.app = Files.createDirectories(root.resolve("app"));
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.port = freePort();
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
        Path classes = Path.of(SampleApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String version : new String[] {"1", "2", "3", "4"}) {
            Path directory = Files.createDirectories(app.resolve("versions").resolve(version));
            Files.writeString(directory.resolve("status"), version.equals("3") ? "500\n" : "200\n");
        }
        Files.createFile(app.resolve("versions/4/hang"));
        Files.writeString(app.resolve("current"), "1\n");
        script("env.sh", """
                JAVA='%s'
                CP='%s'
                PORT=%d
                APP='%s'
                BIN='%s'
                """.formatted(java, classes, port, app, bin));
        script("start.sh", """
                #!/bin/sh
                set -eu
                . "$(dirname "$0")/env.sh"
                version=$(cat "$APP/current")
                status=$(cat "$APP/versions/$version/status")
                echo "starting version $version"
                "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m -cp "$CP" \\
                    dev.steward.agent.app.SampleApp "$PORT" "$version" "$status" "$APP/app.pid" \\
                    >>"$APP/app.log" 2>&1 </dev/null &
                """);
        script("stop.sh", """
                #!/bin/sh
                set -eu
                . "$(dirname "$0")/env.sh"
                [ -f "$APP/app.pid" ] || exit 0
                pid=$(cat "$APP/app.pid")
                kill "$pid" 2>/dev/null || { rm -f "$APP/app.pid"; exit 0; }
                i=0
                while [ -f "$APP/app.pid" ]; do
                    i=$((i + 1))
                    if [ "$i" -gt 400 ]; then echo "version did not stop within 20s" >&2; exit 1; fi
                    sleep 0.05
                done
                echo "stopped $pid"
                """);
        script("backup.sh", """
                #!/bin/sh
                set -eu
                . "$(dirname "$0")/env.sh"
                echo "$STEWARD_CURRENT_VERSION" >> "$APP/backup-ran"
                echo "backing up version $STEWARD_CURRENT_VERSION before $STEWARD_TARGET_VERSION"
                if [ -f "$APP/fail-backup" ]; then echo "backup: disk full" >&2; exit 3; fi
                cp "$APP/current" "$APP/backup-version"
                """);
        script("update.sh", """
                #!/bin/sh
                set -eu
                . "$(dirname "$0")/env.sh"
                echo "$STEWARD_TARGET_VERSION" >> "$APP/update-ran"
                echo "update to $STEWARD_TARGET_VERSION from $STEWARD_CURRENT_VERSION step $STEWARD_STEP"
                if [ ! -d "$APP/versions/$STEWARD_TARGET_VERSION" ]; then echo "no such version" >&2; exit 2; fi
                "$BIN/stop.sh"
                echo "$STEWARD_TARGET_VERSION" > "$APP/current"
                if [ -f "$APP/versions/$STEWARD_TARGET_VERSION/hang" ]; then
                    sleep 60 &
                    echo $! > "$APP/hang.pid"
                    wait
                fi
                "$BIN/start.sh"
                """);
        script("rollback.sh", """
                #!/bin/sh
                set -eu
                . "$(dirname "$0")/env.sh"
                echo "rolling back to $STEWARD_CURRENT_VERSION"
                if [ -f "$APP/fail-rollback" ]; then echo "rollback: no backup found" >&2; exit 4; fi
                "$BIN/stop.sh"
                cp "$APP/backup-version" "$APP/current"
                "$BIN/start.sh"
                """);
    }

    private void script(String name, String text) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String healthUrl() {
        return "http://127.0.0.1:" + port + "/health";
    }

    /** A recipe for this installation; {@code extra} is appended to the [application] section. */
    String recipe(String applicationExtra, String updateTimeout, String healthTimeout) {
        return """
                [application]
                name = "sample"
                version_command = "cat '%s/current'"
                %s

                [backup]
                command = "'%s/backup.sh'"
                timeout = "30s"

                [update]
                command = "'%s/update.sh'"
                timeout = "%s"

                [health]
                url = "%s"
                expect_status = 200
                timeout = "%s"
                interval = "100ms"
                attempt_timeout = "2s"

                [rollback]
                command = "'%s/rollback.sh'"
                timeout = "60s"
                """.formatted(app, applicationExtra, bin, bin, updateTimeout, healthUrl(), healthTimeout, bin);
    }

    /** Runs a script of bin/ directly (setting up and cleaning up, not under test). */
    void runScript(String name) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(bin.resolve(name).toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within 30s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " failed: " + Files.readString(root.resolve(name + ".log")));
        }
    }

    String lines(String marker) throws IOException {
        Path file = app.resolve(marker);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    long pidOf(String pidFile) throws IOException {
        return Long.parseLong(Files.readString(app.resolve(pidFile)).strip());
    }

    /** Stops whatever version runs; kills it if the stop script cannot. Bounded. */
    void close() throws IOException, InterruptedException {
        Path pidFile = app.resolve("app.pid");
        if (Files.exists(pidFile)) {
            long pid = pidOf("app.pid");
            try {
                runScript("stop.sh");
            } finally {
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroyForcibly();
                    process.onExit().orTimeout(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS).join();
                });
            }
        }
        if (Files.exists(app.resolve("hang.pid"))) {
            ProcessHandle.of(pidOf("hang.pid")).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
