package dev.steward.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian packages as built ({@code steward-runtime} for amd64, {@code steward-agent} and
 * {@code steward-control} for all architectures): their file names, control fields and file lists
 * (owners, modes, conffiles), the systemd units through {@code systemd-analyze verify} and their
 * hardening, and an installation with the real dpkg into a throwaway root ({@code dpkg --root …
 * --force-script-chrootless}: the maintainer scripts run with {@code DPKG_ROOT} set and leave
 * accounts, ownership and systemd alone), after which the installed launcher, with the installed
 * runtime, starts the relay on the configuration the postinst wrote and the relay accepts a
 * message, and the installed agent configuration is checked by the installed {@code steward agent}
 * (the agent itself is not run: it would run apt against this machine). A second install (dpkg's
 * upgrade path) keeps the configuration; purging removes it, the key and the agent's state.
 *
 * <p>Never touches the build machine's own dpkg database or /etc. Needs dpkg, dpkg-deb and
 * systemd-analyze, which every Debian system has; a missing one fails the test.
 */
@Timeout(300)
class PackagesIT {

    static final Path DEBS = Path.of("target", "deb");
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    static Path runtime;
    static Path agent;
    static Path control;

    @BeforeAll
    static void findPackages() throws IOException {
        runtime = deb("steward-runtime_");
        agent = deb("steward-agent_");
        control = deb("steward-control_");
    }

    @Test
    void namesAndControlFields_dependenciesAndTheMailTransportAgent() throws Exception {
        assertThat(field(runtime, "Architecture")).isEqualTo("amd64");
        String version = field(runtime, "Version");
        assertThat(version).as("the Maven version, SNAPSHOT sorting before the release").matches("\\d+\\.\\d+\\.\\d+(~SNAPSHOT)?");
        // The interface contract's names: steward-agent_<version>_all.deb, steward-control_<version>_all.deb.
        assertThat(runtime.getFileName()).hasToString("steward-runtime_" + version + "_amd64.deb");
        assertThat(agent.getFileName()).hasToString("steward-agent_" + version + "_all.deb");
        assertThat(control.getFileName()).hasToString("steward-control_" + version + "_all.deb");
        for (Path deb : List.of(agent, control)) {
            assertThat(field(deb, "Version")).isEqualTo(version);
            assertThat(field(deb, "Architecture")).isEqualTo("all");
            assertThat(field(deb, "Depends")).isEqualTo("steward-runtime (= " + version + "), adduser");
        }
        assertThat(field(agent, "Provides")).isEqualTo("mail-transport-agent");
        assertThat(field(agent, "Conflicts")).isEqualTo("mail-transport-agent, steward-relay, steward-sendmail");
        assertThat(field(agent, "Replaces")).isEqualTo("mail-transport-agent, steward-relay, steward-sendmail");
        assertThat(conffiles(control)).isEqualTo("/etc/steward/control.toml\n");
        assertThat(conffiles(agent)).isEqualTo("/etc/steward/agent.toml\n");
    }

    private static String conffiles(Path deb) throws Exception {
        Result conffiles = run(List.of("sh", "-c", "dpkg-deb --ctrl-tarfile " + deb + " | tar -xO ./conffiles"));
        assertThat(conffiles.exitCode()).as(conffiles.out()).isZero();
        return conffiles.out();
    }

    @Test
    void fileLists_ownersAndModes() throws Exception {
        Map<String, String> runtimeFiles = contents(runtime);
        assertThat(runtimeFiles).containsEntry("./usr/bin/steward", "-rwxr-xr-x root/root")
                .containsEntry("./usr/lib/steward/java/bin/java", "-rwxr-xr-x root/root")
                .containsEntry("./usr/lib/steward/java/lib/jspawnhelper", "-rwxr-xr-x root/root")
                .containsEntry("./usr/lib/steward/java/lib/modules", "-rw-r--r-- root/root");
        Map<String, String> agentFiles = contents(agent);
        assertThat(agentFiles).containsEntry("./usr/lib/steward/agent/steward-agent.jar", "-rw-r--r-- root/root")
                .containsEntry("./lib/systemd/system/steward-relay.service", "-rw-r--r-- root/root")
                .containsEntry("./lib/systemd/system/steward-agent.service", "-rw-r--r-- root/root")
                .containsEntry("./etc/steward/agent.toml", "-rw-r--r-- root/root")
                .containsEntry("./usr/sbin/sendmail", "-rwxr-xr-x root/root")
                .containsEntry("./usr/bin/mailq", "-rwxr-xr-x root/root")
                .hasEntrySatisfying("./usr/lib/sendmail", entry -> assertThat(entry).startsWith("l")); // a symlink
        assertThat(agentFiles.keySet()).as("the relay and its libraries, once, in the agent's directory")
                .anyMatch(name -> name.matches("\\./usr/lib/steward/agent/steward-relay-.*\\.jar"))
                .anyMatch(name -> name.matches("\\./usr/lib/steward/agent/dnsjava-.*\\.jar"))
                .noneMatch(name -> name.startsWith("./usr/lib/steward/relay/"));
        assertThat(agentFiles.keySet().stream().filter(name -> name.startsWith("./etc/") && !name.endsWith("/")))
                .as("under /etc the package ships agent.toml alone; relay.toml and the DKIM key are made by postinst, once")
                .containsExactly("./etc/steward/agent.toml");
        assertThat(contents(control)).containsEntry("./etc/steward/control.toml", "-rw-r----- root/root")
                .containsEntry("./lib/systemd/system/steward-control.service", "-rw-r--r-- root/root")
                .containsEntry("./usr/lib/steward/control-web/steward-control-web.jar", "-rw-r--r-- root/root");
        // Every file is root's: nothing in a package belongs to the service users.
        for (Path deb : List.of(runtime, agent, control)) {
            assertThat(contents(deb).values()).as(deb.toString()).allMatch(entry -> entry.endsWith(" root/root"));
        }
    }

    @Test
    void systemdUnits_verifyCleanly_andAreHardened(@TempDir Path work) throws Exception {
        Path root = work.resolve("root");
        for (Path deb : List.of(runtime, agent, control)) {
            assertThat(run(List.of("dpkg-deb", "-x", deb.toString(), root.toString())).exitCode()).isZero();
        }
        for (String unit : List.of("steward-relay.service", "steward-agent.service", "steward-control.service")) {
            String text = Files.readString(root.resolve("lib/systemd/system/" + unit));
            assertThat(text).as(unit).contains("NoNewPrivileges=yes").contains("ProtectHome=yes").contains("PrivateTmp=yes")
                    .contains("ProtectControlGroups=yes").contains("RestrictRealtime=yes").contains("LockPersonality=yes")
                    .contains("SystemCallArchitectures=native").containsPattern("(?m)^ExecStart=/usr/bin/steward ");
            // Verified with the launcher's path inside the extracted tree (the host has no /usr/bin/steward).
            Path copy = work.resolve(unit);
            Files.writeString(copy, text.replace("/usr/bin/steward", root.resolve("usr/bin/steward").toString()));
            Result verify = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
            assertThat(verify.exitCode()).as(verify.out()).isZero();
            assertThat(verify.out()).as("systemd-analyze warnings for " + unit).doesNotContain(copy.toString());
        }
        for (String unprivileged : List.of("steward-relay.service", "steward-control.service")) {
            assertThat(Files.readString(root.resolve("lib/systemd/system/" + unprivileged))).as(unprivileged)
                    .containsPattern("(?m)^User=steward").contains("ProtectSystem=strict").contains("PrivateDevices=yes")
                    .contains("RestrictSUIDSGID=yes").contains("UMask=0077");
        }
        String relayUnit = Files.readString(root.resolve("lib/systemd/system/steward-relay.service"));
        assertThat(relayUnit).contains("AmbientCapabilities=CAP_NET_BIND_SERVICE")
                .contains("CapabilityBoundingSet=CAP_NET_BIND_SERVICE").contains("ReadWritePaths=/var/spool/steward")
                .contains("ExecStart=/usr/bin/steward relay --config /etc/steward/relay.toml");
        // The agent: root (apt, dpkg, the reboot), no privileged port, not started before enrolment.
        String agentUnit = Files.readString(root.resolve("lib/systemd/system/steward-agent.service"));
        assertThat(agentUnit).doesNotContainPattern("(?m)^User=").doesNotContain("CAP_NET_BIND_SERVICE")
                .contains("ExecStart=/usr/bin/steward agent --config /etc/steward/agent.toml")
                .contains("ConditionPathExists=/var/lib/steward/agent/credential.json")
                .contains("StateDirectory=steward/agent").contains("StateDirectoryMode=0700")
                .contains("RestartPreventExitStatus=78") // a configuration error is not retried every 10 s
                .contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK");
        assertThat(agentUnit).as("each of these would break apt, dpkg, a kernel upgrade or grub-install")
                .doesNotContainPattern("(?m)^(ProtectSystem|ProtectKernelModules|PrivateDevices|ProtectClock|RestrictSUIDSGID|DeviceAllow)=");
    }

    @Test
    void installIntoAThrowawayRoot_relayStartsOnTheWrittenConfig_acceptsMail_purgeCleansUp(@TempDir Path work)
            throws Exception {
        Path root = work.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        List<String> dpkg = List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-not-root",
                "--force-bad-path", "--force-depends", "--log=" + root.resolve("dpkg.log"));
        List<String> install = new ArrayList<>(dpkg);
        install.addAll(List.of("-i", runtime.toString(), agent.toString()));
        Result installed = run(install);
        assertThat(installed.exitCode()).as(installed.out()).isZero();
        assertThat(installed.out()).contains("steward-agent: wrote /etc/steward/relay.toml for ");

        // The postinst's configuration: this machine's name, a DKIM key made here (owner-only).
        Path config = root.resolve("etc/steward/relay.toml");
        String written = Files.readString(config);
        String host = written.replaceAll("(?s).*hostname = \"([^\"]+)\".*", "$1");
        assertThat(written).contains("app_domains = [\"" + host + "\"]")
                .contains("key_file = \"/etc/steward/dkim/nexx." + host + ".key\"");
        Path key = root.resolve("etc/steward/dkim/nexx." + host + ".key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
                .as("no secrets in it; sendmail as any user reads its listen address").isEqualTo("rw-r--r--");
        assertThat(Files.isDirectory(root.resolve("var/spool/steward"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/steward/agent"))))
                .as("the agent's state (its credential): root only").isEqualTo("rwx------");
        assertThat(root.resolve("etc/steward/apps")).isDirectory();
        assertThat(Files.readString(root.resolve("usr/sbin/sendmail"))).contains("exec /usr/bin/steward sendmail \"$@\"");

        // The same configuration with its paths inside the throwaway root, on a free loopback port.
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path runConfig = work.resolve("relay.toml");
        Files.writeString(runConfig, written.replace("/etc/steward/", root.resolve("etc/steward") + "/")
                .replace("[intake]\n", "[intake]\nlisten = [\"127.0.0.1:" + port + "\"]\n")
                + "\n[queue]\ndirectory = \"" + root.resolve("var/spool/steward") + "\"\n\n[delivery]\nenabled = false\n");
        Path launcher = root.resolve("usr/bin/steward");
        assertThat(run(List.of(launcher.toString(), "relay", "--config", runConfig.toString(), "--check-config"))
                .exitCode()).isZero();
        Process relayProcess = new ProcessBuilder(launcher.toString(), "relay", "--config", runConfig.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("relay.log").toFile()).start();
        try {
            String reply = sendOneMessage(port, host);
            assertThat(reply).startsWith("250 ");
            // The launcher ran the packaged runtime (it execs java, so the process is the JVM).
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(relayProcess.pid()), "exe")))
                    .isEqualTo(root.resolve("usr/lib/steward/java/bin/java"));
            Result mailq = run(List.of(launcher.toString(), "mailq", "--config", runConfig.toString()));
            assertThat(mailq.out()).contains("app@" + host).contains("someone@example.org");
        } finally {
            relayProcess.destroy();
            if (!relayProcess.waitFor(30, TimeUnit.SECONDS)) {
                relayProcess.destroyForcibly();
            }
        }
        assertThat(Files.readString(work.resolve("relay.log"))).doesNotContain("Exception");

        // The installed agent on the installed conffile (its paths inside the root): not enrolled,
        // it refuses to run and says what to set; with a control plane's address it checks out.
        String shipped = Files.readString(root.resolve("etc/steward/agent.toml"));
        Path agentConfig = work.resolve("agent.toml");
        Files.writeString(agentConfig, shipped.replace("\"/etc/steward/relay.toml\"", "\"" + runConfig + "\"")
                .replace("\"/var/lib/steward/agent\"", "\"" + root.resolve("var/lib/steward/agent") + "\"")
                .replace("\"/etc/steward/", "\"" + root.resolve("etc/steward") + "/"));
        Result unconfigured = run(List.of(launcher.toString(), "agent", "--config", agentConfig.toString(), "--check-config"));
        assertThat(unconfigured.exitCode()).as(unconfigured.out()).isEqualTo(78);
        assertThat(unconfigured.out()).contains("run_relay = false and no [control] url").contains("enrol");
        Files.writeString(agentConfig, Files.readString(agentConfig)
                .replace("# url = \"https://control.hosting.example\"", "url = \"https://control.hosting.example\""));
        Result configured = run(List.of(launcher.toString(), "agent", "--config", agentConfig.toString(), "--check-config"));
        assertThat(configured.exitCode()).as(configured.out()).isZero();
        assertThat(configured.out()).contains(agentConfig + ": ok (the agent alone; the relay runs separately)")
                .contains(runConfig + ": ok");
        // The installed agent runs alone (the relay stays the other process's): it starts, finds no
        // credential, and opens no listener; its control plane (a closed loopback port) hands out no
        // job, so nothing is run against this machine.
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(agentConfig, Files.readString(agentConfig).replace("https://control.hosting.example",
                    "http://127.0.0.1:" + free.getLocalPort()));
        }
        Process agentProcess = new ProcessBuilder(launcher.toString(), "agent", "--config", agentConfig.toString())
                .redirectErrorStream(true).start();
        List<String> agentLog = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch agentStarted = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = agentProcess.inputReader(StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    agentLog.add(line);
                    if (line.contains("agent_started")) {
                        agentStarted.countDown();
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
        try {
            assertThat(agentStarted.await(60, TimeUnit.SECONDS)).as("agent_started in %s", agentLog).isTrue();
            assertThat(agentProcess.isAlive()).isTrue();
            assertThat(String.join("\n", agentLog)).contains("enrolled=false").doesNotContain("relay_started");
        } finally {
            agentProcess.destroy();
            if (!agentProcess.waitFor(30, TimeUnit.SECONDS)) {
                agentProcess.destroyForcibly();
            }
        }
        assertThat(String.join("\n", agentLog)).doesNotContain("Exception");

        Result usage = run(List.of(launcher.toString(), "agent", "--help"));
        assertThat(usage.exitCode()).isZero();
        assertThat(usage.out()).contains("steward agent enrol [--config FILE] (--token TOKEN | --token-file FILE)");

        // Installing again (dpkg's upgrade path: prerm upgrade, postinst configure <version>) keeps
        // the configuration and the key.
        List<String> again = new ArrayList<>(dpkg);
        again.addAll(List.of("-i", agent.toString()));
        Result reinstalled = run(again);
        assertThat(reinstalled.exitCode()).as(reinstalled.out()).isZero();
        assertThat(reinstalled.out()).doesNotContain("wrote /etc/steward/relay.toml");
        assertThat(Files.readString(config)).isEqualTo(written);
        assertThat(key).exists();


        List<String> purge = new ArrayList<>(dpkg);
        purge.addAll(List.of("--purge", "steward-agent", "steward-runtime"));
        Result purged = run(purge);
        assertThat(purged.exitCode()).as(purged.out()).isZero();
        assertThat(root.resolve("etc/steward/relay.toml")).doesNotExist();
        assertThat(root.resolve("etc/steward/dkim")).doesNotExist();
        assertThat(root.resolve("etc/steward/agent.toml")).as("the conffile").doesNotExist();
        assertThat(root.resolve("var/lib/steward/agent")).doesNotExist();
        assertThat(root.resolve("usr/bin/steward")).doesNotExist();
        assertThat(root.resolve("var/spool/steward")).as("queued mail is never removed by a package operation")
                .exists();
    }

    /** One SMTP transaction; returns the reply to the end of DATA. */
    private static String sendOneMessage(int port, String domain) throws Exception {
        try (Socket socket = connect(port)) {
            return converse(socket, domain);
        }
    }

    private static Socket connect(int port) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                // The relay process is still starting: it offers no event to wait on across processes.
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private static String converse(Socket socket, String domain) throws IOException {
        {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            assertThat(reply(in)).startsWith("220 ");
            out.write("EHLO app.test\r\n");
            out.flush();
            assertThat(reply(in)).startsWith("250 ");
            out.write("MAIL FROM:<app@" + domain + ">\r\n");
            out.flush();
            assertThat(reply(in)).startsWith("250 ");
            out.write("RCPT TO:<someone@example.org>\r\n");
            out.flush();
            assertThat(reply(in)).startsWith("250 ");
            out.write("DATA\r\n");
            out.flush();
            assertThat(reply(in)).startsWith("354 ");
            out.write("From: <app@" + domain + ">\r\nTo: <someone@example.org>\r\nSubject: installed\r\n\r\nhello\r\n.\r\n");
            out.flush();
            String accepted = reply(in);
            out.write("QUIT\r\n");
            out.flush();
            return accepted;
        }
    }

    /** The last line of a (possibly multi-line) reply. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static Path deb(String prefix) throws IOException {
        assertThat(DEBS).as("packages not built: run the build without -Dsteward.packages.skip=true").isDirectory();
        try (Stream<Path> files = Files.list(DEBS)) {
            List<Path> found = files.filter(file -> file.getFileName().toString().startsWith(prefix)).toList();
            assertThat(found).as(prefix + "*.deb in " + DEBS.toAbsolutePath()).hasSize(1);
            return found.getFirst().toAbsolutePath();
        }
    }

    private static String field(Path deb, String name) throws Exception {
        Result result = run(List.of("dpkg-deb", "-f", deb.toString(), name));
        assertThat(result.exitCode()).as(result.out()).isZero();
        return result.out().strip();
    }

    /** Path → "mode owner/group" from {@code dpkg-deb -c}. */
    private static Map<String, String> contents(Path deb) throws Exception {
        Result listing = run(List.of("dpkg-deb", "-c", deb.toString()));
        assertThat(listing.exitCode()).as(listing.out()).isZero();
        Map<String, String> files = new java.util.HashMap<>();
        for (String line : listing.out().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 6) {
                files.put(parts[5], parts[0] + " " + parts[1]);
            }
        }
        return files;
    }

    record Result(int exitCode, String out) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new AssertionError(command.getFirst() + " is missing: it comes with Debian (dpkg, systemd)", missing);
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + COMMAND_TIMEOUT);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
