package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway root in which real apt and dpkg work without touching the build machine's own
 * package database, and a local repository of test packages built with {@code dpkg-deb}.
 *
 * <p>What makes apt and dpkg stay inside the root (found by trying, apt 2.6 and dpkg 1.21):
 * <ul>
 * <li>{@code APT_CONFIG=<root>/etc/apt/apt.conf}, a file that sets {@code Dir "<root>/"}. Options
 *     on the command line ({@code -o Dir=<root>}) are not enough: apt reads the host's
 *     {@code /etc/apt/apt.conf.d} before it parses them, so the host's hooks
 *     ({@code DPkg::Post-Invoke}, {@code APT::Update::Post-Invoke-Success}, e.g. docker-clean's
 *     {@code rm} of the host's archive cache) would run. {@code APT_CONFIG} is read first, and
 *     with {@code Dir} pointing at the root, the parts directory read next is the root's.
 * <li>In that file: {@code Dir::State::status "<root>/var/lib/dpkg/status"} (its default is
 *     absolute), {@code Debug::NoLocking "true"} (the locks are the root's anyway; this spares the
 *     test the lock files) and {@code DPkg::Options { "--root=<root>"; "--admindir=<root>/var/lib/dpkg";
 *     "--force-script-chrootless"; "--log=<root>/var/log/dpkg.log"; }}.
 * <li>{@code --force-script-chrootless}: without it dpkg chroots into the root to run maintainer
 *     scripts, which needs a shell inside it. With it the scripts run on the host with
 *     {@code DPKG_ROOT=<root>} set, so they must write to {@code "$DPKG_ROOT/..."}; the test
 *     packages' scripts refuse to run without {@code DPKG_ROOT}, so a mistake cannot reach the host.
 * <li>dpkg and dpkg-query outside apt: {@code --root=<root> --admindir=<root>/var/lib/dpkg
 *     --force-script-chrootless} and {@code --admindir=<root>/var/lib/dpkg}.
 * </ul>
 * The repository is flat ({@code deb [trusted=yes] file:<repo> ./}) with {@code Packages} and
 * {@code Release} written by {@code apt-ftparchive} (package apt-utils, which Debian does not
 * install by default: {@code scripts/install-peers} does, so these tests are in the interop tier).
 */
final class ThrowawayAptRoot {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    final Path root;
    final Path repo;
    final Path build;
    final Path aptConf;

    ThrowawayAptRoot(Path dir) throws IOException {
        requireTools();
        root = dir.resolve("root");
        repo = Files.createDirectories(dir.resolve("repo"));
        build = Files.createDirectories(dir.resolve("build"));
        for (String sub : List.of("etc/apt/apt.conf.d", "etc/apt/preferences.d", "etc/apt/sources.list.d",
                "etc/apt/trusted.gpg.d", "var/lib/apt/lists/partial", "var/cache/apt/archives/partial",
                "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log/apt", "var/run")) {
            Files.createDirectories(root.resolve(sub));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        aptConf = root.resolve("etc/apt/apt.conf");
        Files.writeString(aptConf, """
                Dir "%1$s/";
                Dir::State::status "%1$s/var/lib/dpkg/status";
                Debug::NoLocking "true";
                DPkg::Options { "--root=%1$s"; "--admindir=%1$s/var/lib/dpkg"; "--force-script-chrootless"; "--log=%1$s/var/log/dpkg.log"; };
                """.formatted(root));
        Files.writeString(root.resolve("etc/apt/sources.list"), "deb [trusted=yes] file:" + repo + " ./\n");
        publish();
    }

    /** Fails (never skips) with the install command when a tool is missing. */
    static void requireTools() {
        for (String[] tool : new String[][] {{"apt-get", "apt"}, {"dpkg", "dpkg"}, {"dpkg-deb", "dpkg"},
                {"dpkg-query", "dpkg"}, {"apt-ftparchive", "apt-utils"}, {"setsid", "util-linux"}}) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                found |= Files.isExecutable(Path.of(dir, tool[0]));
            }
            assertThat(found).as("%s is missing: apt-get install %s (scripts/install-peers installs it; make interop runs it)",
                    tool[0], tool[1]).isTrue();
        }
    }

    /** The executor's configuration for this root (the commands; the rest is the caller's). */
    OsUpdateConfig.Builder config(Path stateDirectory) {
        String admindir = "--admindir=" + root.resolve("var/lib/dpkg");
        return OsUpdateConfig.builder(stateDirectory)
                .root(root)
                .environment(Map.of("APT_CONFIG", aptConf.toString()))
                .aptGet(List.of("apt-get"))
                .dpkg(List.of("dpkg", "--root=" + root, admindir, "--force-script-chrootless"))
                .dpkgQuery(List.of("dpkg-query", admindir));
    }

    /** A test package; {@code conffile} gives it /etc/NAME/NAME.conf, {@code postinst} a script body. */
    void buildPackage(String name, String version, String extraControl, boolean conffile, String postinst)
            throws IOException {
        Path dir = build.resolve(name + "_" + version);
        Files.createDirectories(dir.resolve("DEBIAN"));
        Files.createDirectories(dir.resolve("usr/share/" + name));
        Files.writeString(dir.resolve("DEBIAN/control"), """
                Package: %s
                Version: %s
                Architecture: all
                Maintainer: Steward tests <tests@steward.invalid>
                %sDescription: Steward test package %s
                """.formatted(name, version, extraControl, name));
        Files.writeString(dir.resolve("usr/share/" + name + "/version"), version + "\n");
        if (conffile) {
            Files.createDirectories(dir.resolve("etc/" + name));
            Files.writeString(dir.resolve("etc/" + name + "/" + name + ".conf"), "setting = packaged " + version + "\n");
            Files.writeString(dir.resolve("DEBIAN/conffiles"), "/etc/" + name + "/" + name + ".conf\n");
        }
        if (postinst != null) {
            Path script = dir.resolve("DEBIAN/postinst");
            Files.writeString(script, "#!/bin/sh\nset -e\n"
                    + "# Chrootless: never touch the host. dpkg sets DPKG_ROOT with --root.\n"
                    + "[ -n \"$DPKG_ROOT\" ] && [ \"$DPKG_ROOT\" != / ] || { echo 'no DPKG_ROOT: refusing' >&2; exit 1; }\n"
                    + postinst + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        run(List.of("dpkg-deb", "--root-owner-group", "--build", dir.toString(), repo.toString()));
    }

    /** Writes the repository's index: Packages and Release, by apt-ftparchive. */
    void publish() throws IOException {
        String packages = run(List.of("/bin/sh", "-c", "cd '" + repo + "' && apt-ftparchive packages . > Packages"
                + " && apt-ftparchive release . > Release && echo published"));
        assertThat(packages).contains("published");
    }

    /** apt-get update and install {@code packages} into the root (the test's starting point). */
    void install(String... packages) throws IOException {
        run(List.of("apt-get", "-q", "update"));
        List<String> command = new ArrayList<>(List.of("apt-get", "-y", "-q", "install"));
        command.addAll(List.of(packages));
        run(command);
    }

    /** The installed version of {@code name} in the root, or null. */
    String installedVersion(String name) throws IOException {
        String out = run(List.of("dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W",
                "-f=" + PackageInventory.FORMAT));
        return PackageInventory.parse(out.lines().toList()).version(name);
    }

    /** Runs a command with this root's APT_CONFIG; fails the test unless it exits 0. */
    String run(List<String> command) throws IOException {
        CommandRunner.Outcome outcome = new CommandRunner(java.time.Clock.systemUTC()).run(command,
                Map.of("APT_CONFIG", aptConf.toString(), "DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C"),
                Instant.now().plus(TIMEOUT), Duration.ofSeconds(5), 10_000);
        assertThat(outcome.succeeded()).as("%s\n%s", outcome.describe(), outcome.tail(40)).isTrue();
        return String.join("\n", outcome.outputTail());
    }
}
