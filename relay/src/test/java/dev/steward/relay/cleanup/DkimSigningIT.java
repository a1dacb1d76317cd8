package dev.steward.relay.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimResult;
import dev.steward.mail.dkim.DkimVerifier;
import dev.steward.mail.dkim.KeyRecordSource;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cleanup signs the final queued bytes; the signatures verify with the published records. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DkimSigningIT {

    private static final KeyPair RSA = DkimKeys.generateRsa();
    private static final KeyPair ED = DkimKeys.generateEd25519();
    private static final DomainName APP = DomainName.parse("app.example.test");

    @TempDir
    Path temp;

    private RelayFixture relay;
    private final Map<String, String> records = new HashMap<>();

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private Path keyFile(String name, KeyPair pair) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, DkimKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private void start(String dkimSection) throws Exception {
        Path config = RelayFixture.writeConfig(temp, "127.0.0.1:0", "");
        Files.writeString(config, "\n[dkim]\n" + dkimSection, StandardOpenOption.APPEND);
        relay = RelayFixture.startFrom(temp, config);
    }

    private void publish(String selector, KeyPair pair) {
        var record = DkimKeys.txtRecord(APP, selector, pair.getPublic());
        records.put(record.owner(), record.value());
    }

    private byte[] sendAndReadQueued(String sender, String body) throws Exception {
        String message = "From: App <" + sender + ">\r\nTo: bob@example.org\r\nSubject: dkim test\r\n\r\n" + body;
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.sendMessage(sender, message, "bob@example.org")).startsWith("250 2.0.0");
        }
        String stored = relay.onlyMessage();
        assertThat(stored).endsWith(message); // the application's bytes are unchanged
        return stored.getBytes(StandardCharsets.UTF_8);
    }

    private List<DkimResult> verify(byte[] queued) {
        return new DkimVerifier(KeyRecordSource.of(records), Clock.systemUTC()).verify(queued);
    }

    @Test
    void rsa_queuedBytesVerify_andFromIsOverSigned() throws Exception {
        start("key_file = \"" + keyFile("nexx.key", RSA) + "\"\n");
        publish("nexx", RSA);
        assertThat(records).containsKey("nexx._domainkey.app.example.test");
        byte[] queued = sendAndReadQueued("app@app.example.test", "Hello\r\n");
        assertThat(new String(queued, StandardCharsets.UTF_8)).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;");
        List<DkimResult> results = verify(queued);
        assertThat(results).hasSize(1).first().isInstanceOf(DkimResult.Pass.class);
        DkimResult.Pass pass = (DkimResult.Pass) results.get(0);
        assertThat(pass.domain()).isEqualTo("app.example.test");
        assertThat(pass.signature().selector()).isEqualTo("nexx");
        assertThat(pass.signature().signedHeaders().stream().filter(h -> h.equalsIgnoreCase("from")).count()).isEqualTo(2);
        assertThat(pass.signature().signedHeaders()).anyMatch(h -> h.equalsIgnoreCase("message-id"));
        assertThat(pass.signature().signedHeaders()).anyMatch(h -> h.equalsIgnoreCase("date"));
    }

    @Test
    void subdomainSender_signsWithTheAppDomain() throws Exception {
        start("key_file = \"" + keyFile("nexx.key", RSA) + "\"\n");
        publish("nexx", RSA);
        byte[] queued = sendAndReadQueued("news@mail.app.example.test", "Hi\r\n");
        assertThat(new String(queued, StandardCharsets.UTF_8)).contains("d=app.example.test;");
        assertThat(verify(queued)).singleElement().isInstanceOfSatisfying(DkimResult.Pass.class,
                pass -> assertThat(pass.domain()).isEqualTo("app.example.test"));
    }

    @Test
    void rsaAndEd25519_twoSignaturesBothPass() throws Exception {
        start("key_file = \"" + keyFile("nexx.key", RSA) + "\"\n"
                + "ed25519_selector = \"nexx-ed\"\ned25519_key_file = \"" + keyFile("ed.key", ED) + "\"\n");
        publish("nexx", RSA);
        publish("nexx-ed", ED);
        byte[] queued = sendAndReadQueued("app@app.example.test", "Hello twice\r\n");
        List<DkimResult> results = verify(queued);
        assertThat(results).hasSize(2).allMatch(result -> result instanceof DkimResult.Pass);
        assertThat(results).extracting(result -> ((DkimResult.Pass) result).signature().algorithm().tagValue())
                .containsExactlyInAnyOrder("rsa-sha256", "ed25519-sha256");
    }

    @Test
    void ed25519Only() throws Exception {
        start("algorithm = \"ed25519\"\nkey_file = \"" + keyFile("ed.key", ED) + "\"\n");
        publish("nexx", ED);
        assertThat(verify(sendAndReadQueued("app@app.example.test", "Ed\r\n"))).singleElement()
                .isInstanceOf(DkimResult.Pass.class);
    }

    @Test
    void bodySpilledToDisk_isSignedByStreaming() throws Exception {
        start("key_file = \"" + keyFile("nexx.key", RSA) + "\"\n");
        publish("nexx", RSA);
        String line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz  \r\n";
        String body = line.repeat(4000); // ~300 KiB, beyond the intake's in-memory spool
        assertThat(verify(sendAndReadQueued("app@app.example.test", body))).singleElement()
                .isInstanceOf(DkimResult.Pass.class);
    }
}
