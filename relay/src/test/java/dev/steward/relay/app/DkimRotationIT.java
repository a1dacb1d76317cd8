package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimResult;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.dkim.DkimVerifier;
import dev.steward.mail.dkim.KeyRecordSource;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward dkim rotate} against a real DNS server on loopback ({@link FakeDnsServer}) and, in
 * one test, a running relay: nothing switches before the new record is visible with the new key,
 * an interrupted rotation resumes with the same key, and the running relay signs with the new key
 * from the next message on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DkimRotationIT {

    private static final DomainName APP = DomainName.parse("app.example.test");
    private static final Clock DAY = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;

    private FakeDnsServer dns;
    private RelayFixture relay;
    private Path config;
    private KeyPair current;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        dns = new FakeDnsServer(DnsZone.empty()).start();
        current = DkimKeys.generateRsa();
        Path keyDir = temp.resolve("dkim");
        Files.createDirectories(keyDir);
        Path key = keyDir.resolve("nexx.app.example.test.key");
        Files.writeString(key, DkimKeys.privateKeyPem(current.getPrivate()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        config = temp.resolve("relay.toml");
        Files.writeString(config, """
                # operator's comment, kept by the rotation
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["app.example.test"]

                [queue]
                directory = "%s"

                [delivery]
                enabled = false

                [dkim]
                selector = "nexx"
                key_file = "%s"
                """.formatted(temp.resolve("queue"), key), StandardCharsets.UTF_8);
    }

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        dns.close();
    }

    private int rotate(String... extra) {
        out.reset();
        err.reset();
        List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString(), "--resolver", dns.server(),
                "--wait", "400ms", "--poll", "100ms"));
        args.addAll(List.of(extra));
        return new DkimRotation(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), DAY).run(args.toArray(String[]::new));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PublicKey publicKeyIn(Path keyFile) throws Exception {
        return DkimKeys.publicKey(DkimKeys.readPrivateKeyPem(Files.readString(keyFile)));
    }

    private void publish(Map<String, PublicKey> keysBySelector) {
        DnsZone.Builder zone = DnsZone.builder();
        keysBySelector.forEach((selector, key) -> {
            DkimTxtRecord record = DkimKeys.txtRecord(APP, selector, key);
            zone.txt(record.owner(), record.strings().toArray(String[]::new));
        });
        dns.replaceZone(zone.build());
    }

    @Test
    void notYetPublished_exits75AndChangesNothing_thenResumesWithTheSameKeyAndSwitches() throws Exception {
        String before = Files.readString(config);

        assertThat(rotate()).as(out() + err()).isEqualTo(DkimRotation.EX_TEMPFAIL);

        Path pending = temp.resolve("dkim").resolve(DkimRotation.PENDING);
        assertThat(Files.readString(pending).strip()).isEqualTo("nexx-20261128");
        Path newKey = temp.resolve("dkim/nexx-20261128.app.example.test.key");
        assertThat(Files.getPosixFilePermissions(newKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(DkimKeys.readPublicKeyPem(Files.readString(temp.resolve("dkim/nexx-20261128.app.example.test.pub"))))
                .isEqualTo(publicKeyIn(newKey));
        assertThat(out()).contains("nexx-20261128._domainkey.app.example.test. IN TXT \"v=DKIM1; k=rsa; p=")
                .contains("nexx-20261128._domainkey.app.example.test: no such name (NXDOMAIN)")
                .contains("signing still uses nexx");
        assertThat(Files.readString(config)).as("nothing switched").isEqualTo(before);

        publish(Map.of("nexx", current.getPublic(), "nexx-20261128", publicKeyIn(newKey)));
        assertThat(rotate()).as(out() + err()).isZero();

        assertThat(out()).contains("resuming the rotation to selector nexx-20261128")
                .contains("no relay").contains("after 7 days");
        assertThat(pending).doesNotExist();
        String after = Files.readString(config);
        assertThat(after).contains("# operator's comment, kept by the rotation").contains("selector = \"nexx-20261128\"")
                .contains("key_file = \"" + newKey.toAbsolutePath() + "\"");
        DkimConfig reloaded = RelayConfig.load(config).dkim();
        assertThat(reloaded.keys()).singleElement().satisfies(key -> assertThat(key.selector()).isEqualTo("nexx-20261128"));
        assertThat(temp.resolve("dkim/nexx.app.example.test.key")).as("the old key stays for queued mail").exists();
    }

    @Test
    void anotherKeyUnderTheNewSelector_isNotTakenForTheNewOne() throws Exception {
        publish(Map.of("nexx-20261128", DkimKeys.generateRsa().getPublic()));

        assertThat(rotate()).isEqualTo(DkimRotation.EX_TEMPFAIL);

        assertThat(out()).contains("nexx-20261128._domainkey.app.example.test: the TXT record holds another key");
        assertThat(Files.readString(config)).contains("selector = \"nexx\"");
    }

    @Test
    void runningRelay_signsWithTheNewKeyFromTheNextMessageOn() throws Exception {
        relay = RelayFixture.startFrom(temp, config);
        Map<String, String> records = new HashMap<>();
        records.put("nexx._domainkey.app.example.test", DkimKeys.txtRecord(APP, "nexx", current.getPublic()).value());
        assertThat(signedSelector(send("before"), records)).isEqualTo("nexx");

        // The operator names the selector, so its record can be published before the command runs.
        KeyPair published = pregenerate("nexx2");
        publish(Map.of("nexx", current.getPublic(), "nexx2", published.getPublic()));
        records.put("nexx2._domainkey.app.example.test", DkimKeys.txtRecord(APP, "nexx2", published.getPublic()).value());

        assertThat(rotate("--selector", "nexx2")).as(out() + err()).isZero();

        assertThat(out()).contains("resuming the rotation to selector nexx2").contains("the running relay is now signing with nexx2");
        assertThat(signedSelector(send("after"), records)).isEqualTo("nexx2");
    }

    /** A rotation started earlier whose key we know: the key file and the pending marker, as a first run leaves them. */
    private KeyPair pregenerate(String selector) throws Exception {
        KeyPair pair = DkimKeys.generateRsa();
        Path key = temp.resolve("dkim").resolve(selector + ".app.example.test.key");
        Files.writeString(key, DkimKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(temp.resolve("dkim").resolve(DkimRotation.PENDING), selector + "\n");
        return pair;
    }

    private String send(String subject) throws Exception {
        String message = "From: App <app@app.example.test>\r\nTo: bob@example.org\r\nSubject: " + subject + "\r\n\r\nHi\r\n";
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.sendMessage("app@app.example.test", message, "bob@example.org")).startsWith("250 2.0.0");
        }
        return relay.queuedMessages().stream().map(RelayFixture.Queued::content)
                .filter(content -> content.contains("Subject: " + subject + "\r\n")).findFirst().orElseThrow();
    }

    private static String signedSelector(String queued, Map<String, String> records) {
        List<DkimResult> results = new DkimVerifier(KeyRecordSource.of(records), Clock.systemUTC())
                .verify(queued.getBytes(StandardCharsets.UTF_8));
        assertThat(results).singleElement().isInstanceOf(DkimResult.Pass.class);
        return ((DkimResult.Pass) results.getFirst()).signature().selector();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
