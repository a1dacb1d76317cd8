package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.mail.dkim.DkimResult;
import dev.steward.mail.dkim.DkimVerifier;
import dev.steward.mail.dkim.KeyRecordSource;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.Resolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole DKIM path with real peers: keys made by {@code steward dkim keygen}, the zone-file
 * lines it prints pasted into a real authoritative server's zone (NSD), the relay signing every
 * message it accepts (RSA-2048 under {@code nexx}, Ed25519 as the second signature under
 * {@code nexxed}), delivery through MX to a real Postfix that stores the message in a maildir, and
 * the stored message verified by three independent implementations: our verifier (keys from NSD
 * through dnsjava), dkimpy (Debian python3-dkim; keys from the printed records through its dnsfunc
 * hook) and OpenDKIM's {@code opendkim-testmsg} (libopendkim; keys from NSD through the C library,
 * in a network namespace of the test's own, see {@code opendkim_verify.sh}). A copy with one body
 * character changed must fail in each, so a verifier that passes everything would be caught.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RelayDkimInteropIT {
    private static final String SENDER = "app@app.example.test";
    private static final String BOB = "bob@example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern ZONE_LINE = Pattern.compile("^(\\S+)\\. IN TXT (.+)$", Pattern.MULTILINE);
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private DnsInstance nsd;
    private PostfixInstance postfix;
    private RelayProcess relay;

    @AfterEach
    void stopPeers() {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            try {
                if (postfix != null) {
                    postfix.close();
                }
            } finally {
                if (nsd != null) {
                    nsd.close();
                }
            }
        }
    }

    @Test
    void signedByTheRelay_deliveredThroughPostfix_verifiesInOurVerifierDkimpyAndOpenDkim() throws Exception {
        Path work = InteropPaths.newWorkDir("relay-dkim");
        Path keys = work.resolve("keys");
        String rsaLine = keygen(work, keys, "nexx", "rsa");
        String edLine = keygen(work, keys, "nexxed", "ed25519");

        // The zone: the MX setup of PostfixMxInteropIT plus the two lines exactly as keygen printed them.
        Path zone = work.resolve("example.test.zone");
        try (InputStream in = RelayDkimInteropIT.class.getResourceAsStream("example.test.zone")) {
            Files.writeString(zone, new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    + "\n; pasted from steward dkim keygen\n" + rsaLine + "\n" + edLine + "\n");
        }
        nsd = DnsInstance.start(work.resolve("nsd"), List.of(zone));
        postfix = PostfixInstance.start(work.resolve("postfix"), RelayProcess.freeLoopbackPort(),
                List.of("--hostname", "mx1.example.test", "--mailbox", BOB, "--mailbox", SENDER));
        relay = RelayProcess.start(work, RelayProcess.Settings.defaults()
                .withDelivery("connect_timeout = \"5s\"\n")
                .withSections("""
                        [dns]
                        servers = ["%s"]
                        timeout = "2s"

                        [dkim]
                        selector = "nexx"
                        key_file = "%s"
                        ed25519_selector = "nexxed"
                        ed25519_key_file = "%s"

                        [testing]
                        mx_port_override = %d
                        """.formatted(nsd.server(), keys.resolve("nexx.app.example.test.key"),
                        keys.resolve("nexxed.app.example.test.key"), postfix.smtpdPort()))
                .withTestOverrides());

        String data = PostfixMxInteropIT.message(BOB, "dkim through postfix", "Hello,\r\n\r\nyour order has shipped.  \r\n\r\n");
        SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER, List.of(BOB), data);
        assertThat(outcome.result().exitCode()).as(outcome.transcript()).isZero();
        Path stored = postfix.awaitMessages(BOB, 1, WAIT).orElseThrow(() -> new AssertionError(
                "nothing delivered within " + WAIT + "\n" + relay.output() + "\n--- maillog ---\n" + postfix.maillogText()))
                .getFirst();
        // A maildir holds LF lines; a receiver verifies what came over SMTP, with CRLF.
        byte[] received = Files.readString(stored, StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(received, StandardCharsets.UTF_8)).as("Postfix's trace fields come first, then both signatures")
                .contains("\r\nDKIM-Signature: v=1; a=rsa-sha256;").contains("\r\nDKIM-Signature: v=1; a=ed25519-sha256;");
        byte[] tampered = new String(received, StandardCharsets.UTF_8).replace("your order has shipped", "your order has shipped!")
                .getBytes(StandardCharsets.UTF_8);
        byte[] rsaOnly = withoutSignature(received, "ed25519-sha256");
        byte[] edOnly = withoutSignature(received, "rsa-sha256");

        // 1. Our verifier, keys from NSD.
        DkimVerifier ours = new DkimVerifier(keySource(new DnsjavaResolver(DnsConfig.of(List.of(nsd.server()),
                Duration.ofSeconds(2), 2))), Clock.systemUTC());
        assertThat(ours.verify(received)).as("our verifier, both signatures").hasSize(2)
                .allSatisfy(result -> assertThat(result).isInstanceOf(DkimResult.Pass.class));
        assertThat(ours.verify(tampered)).as("our verifier, changed body").hasSize(2)
                .noneSatisfy(result -> assertThat(result).isInstanceOf(DkimResult.Pass.class));

        // 2. dkimpy, keys from the printed records.
        Path records = work.resolve("records.json");
        Map<String, String> printed = new LinkedHashMap<>();
        for (String line : List.of(rsaLine, edLine)) {
            Matcher owner = ZONE_LINE.matcher(line);
            assertThat(owner.matches()).as(line).isTrue();
            printed.put(owner.group(1), joinStrings(owner.group(2)));
        }
        new ObjectMapper().writeValue(records.toFile(), printed);
        assertThat(dkimpy(work, "received", received, records)).isEqualTo("pass pass");
        assertThat(dkimpy(work, "tampered", tampered, records)).isEqualTo("fail fail");

        // 3. OpenDKIM, keys from NSD, inside a network namespace of our own (needs root: unshare, mount).
        assumeTrue(isRoot(), "OpenDKIM's check needs root for unshare --net --mount (CI runs as root)");
        Map<String, Integer> openDkim = openDkim(work, zone, Map.of("received", received, "rsa-only", rsaOnly,
                "ed25519-only", edOnly, "tampered", tampered));
        assertThat(openDkim).containsEntry("received", 0).containsEntry("rsa-only", 0).containsEntry("ed25519-only", 0);
        assertThat(openDkim.get("tampered")).as("OpenDKIM rejects the changed body").isNotZero();
    }

    /** Runs keygen through bin/steward's main class and returns the zone-file line it printed. */
    private static String keygen(Path work, Path keys, String selector, String algorithm) {
        CommandRun.Result result = CommandRun.run(RelayProcess.cliCommand("dkim", "keygen", "--domain", "app.example.test",
                "--selector", selector, "--algorithm", algorithm, "--out", keys.toString()), work, "keygen-" + selector,
                Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        Matcher line = ZONE_LINE.matcher(result.stdout());
        assertThat(line.find()).as(result.describe()).isTrue();
        return line.group();
    }

    private static String joinStrings(String zoneValue) {
        StringBuilder joined = new StringBuilder();
        Matcher strings = QUOTED.matcher(zoneValue);
        while (strings.find()) {
            joined.append(strings.group(1));
        }
        return joined.toString();
    }

    /** The message without the DKIM-Signature field of this algorithm (the field is folded over lines). */
    private static byte[] withoutSignature(byte[] message, String algorithm) {
        String text = new String(message, StandardCharsets.UTF_8);
        String marker = "DKIM-Signature: v=1; a=" + algorithm + ";";
        int start = text.indexOf(marker);
        assertThat(start).as("the " + algorithm + " signature").isNotNegative();
        int end = text.indexOf("\r\n", start);
        while (text.charAt(end + 2) == ' ' || text.charAt(end + 2) == '\t') {
            end = text.indexOf("\r\n", end + 2);
        }
        return (text.substring(0, start) + text.substring(end + 2)).getBytes(StandardCharsets.UTF_8);
    }

    private static KeyRecordSource keySource(Resolver resolver) {
        return name -> switch (resolver.txt(name)) {
            case DnsAnswer.Records<String> found -> found.records();
            case DnsAnswer.NxDomain<String> none -> List.of();
            case DnsAnswer.NoData<String> none -> List.of();
            case DnsAnswer.TempFail<String> failed -> throw new KeyRecordSource.KeyLookupException(failed.reason());
        };
    }

    private static String dkimpy(Path work, String label, byte[] message, Path records) throws IOException {
        Path file = work.resolve(label + ".eml");
        Files.write(file, message);
        Path script = work.resolve("dkim_peer.py");
        if (!Files.exists(script)) {
            copyResource("dkim_peer.py", script);
        }
        CommandRun.Result result = CommandRun.run(List.of(InteropPaths.PYTHON3.toString(), script.toString(), "verify",
                file.toString(), records.toString()), work, "dkimpy-" + label, Duration.ofSeconds(60));
        return result.stdout().lines().reduce((first, last) -> last).orElse("").strip();
    }

    private static Map<String, Integer> openDkim(Path work, Path zone, Map<String, byte[]> messages) throws IOException {
        Path dir = work.resolve("opendkim");
        Files.createDirectories(dir);
        Path script = dir.resolve("opendkim_verify.sh");
        copyResource("opendkim_verify.sh", script);
        List<String> command = new ArrayList<>(List.of("unshare", "--net", "--mount", "--", "/bin/bash", script.toString(),
                InteropPaths.dnsInstanceScript().toString(), dir.toString(), zone.toString()));
        for (Map.Entry<String, byte[]> message : messages.entrySet()) {
            Path file = dir.resolve(message.getKey());
            Files.write(file, message.getValue());
            command.add(file.toString());
        }
        CommandRun.Result result = CommandRun.run(command, dir, "opendkim", Duration.ofSeconds(90));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        Map<String, Integer> codes = new LinkedHashMap<>();
        Matcher line = Pattern.compile("^(\\S+) rc=(\\d+)$", Pattern.MULTILINE).matcher(result.stdout());
        while (line.find()) {
            codes.put(line.group(1), Integer.parseInt(line.group(2)));
        }
        assertThat(codes.keySet()).as(result.describe()).containsExactlyInAnyOrderElementsOf(messages.keySet());
        return codes;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = RelayDkimInteropIT.class.getResourceAsStream(name)) {
            Files.write(target, in.readAllBytes());
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
