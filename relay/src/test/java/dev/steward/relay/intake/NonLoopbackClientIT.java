package dev.steward.relay.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.steward.relay.testing.RelayFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that is not on loopback is refused with 554 5.7.1, whatever the listen address. The
 * client lives in a network namespace this test creates: a veth pair with IPv6 unique-local
 * addresses, fd53:7465:7761::1 on our side and ::2 inside, so no traffic leaves the machine (this
 * sandbox drops TEST-NET-1, 192.0.2.0/24, on veth pairs). Needs root, as CI has.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NonLoopbackClientIT {

    private static final String SUFFIX = Long.toString(ProcessHandle.current().pid() % 100000);
    private static final String NAMESPACE = "stwtest" + SUFFIX;
    private static final String HOST_SIDE = "stwh" + SUFFIX;
    private static final String NS_SIDE = "stwc" + SUFFIX;
    private static final String HOST_ADDRESS = "fd53:7465:7761::1";
    private static final String CLIENT_ADDRESS = "fd53:7465:7761::2";

    @TempDir
    Path temp;

    @BeforeAll
    static void createNamespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "creating a network namespace needs root (CI runs as root)");
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", NS_SIDE);
        run("ip", "link", "set", NS_SIDE, "netns", NAMESPACE);
        run("ip", "-6", "addr", "add", HOST_ADDRESS + "/64", "dev", HOST_SIDE, "nodad");
        run("ip", "link", "set", HOST_SIDE, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "-6", "addr", "add", CLIENT_ADDRESS + "/64", "dev", NS_SIDE, "nodad");
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", NS_SIDE, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            runQuietly("ip", "link", "del", HOST_SIDE);
            runQuietly("ip", "netns", "del", NAMESPACE);
        }
    }

    @Test
    void clientOutsideLoopback_isRefusedWith554() throws Exception {
        try (RelayFixture relay = startOn("")) {
            assertThat(greetingFromNamespace(relay.address().getPort()))
                    .isEqualTo("554 5.7.1 Access denied: this relay accepts mail from the local host only");
        }
    }

    @Test
    void clientInAllowedClients_isServed() throws Exception {
        try (RelayFixture relay = startOn("allowed_clients = [\"" + CLIENT_ADDRESS + "/128\"]")) {
            assertThat(greetingFromNamespace(relay.address().getPort())).isEqualTo("220 relay.test ESMTP Steward");
        }
    }

    private RelayFixture startOn(String extra) throws Exception {
        Path file = RelayFixture.writeConfig(temp, "[" + HOST_ADDRESS + "]:0", extra);
        return RelayFixture.startFrom(temp, file);
    }

    private static String greetingFromNamespace(int port) throws Exception {
        String output = run("ip", "netns", "exec", NAMESPACE, "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + HOST_ADDRESS + "/" + port + "; head -n 1 <&3");
        return output.strip();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (Exception ignored) {
            // cleanup of what may not exist
        }
    }
}
