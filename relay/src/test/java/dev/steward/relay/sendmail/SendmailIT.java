package dev.steward.relay.sendmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.testing.RelayFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sendmail command against a real relay, as PHP's mail() and cron call it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendmailIT {

    @TempDir
    Path temp;

    private RelayFixture relay;
    private Path config;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        relay = RelayFixture.start(temp, "");
        // sendmail reads the relay's first listen address from the config: point it at the bound port.
        config = RelayFixture.writeConfig(temp.resolve("client"), "127.0.0.1:" + relay.address().getPort(), "");
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private int sendmail(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("-C", config.toString()));
        all.addAll(List.of(args));
        return SendmailCommand.run(all.toArray(String[]::new),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void dashT_takesRecipientsFromHeaders_andRemovesBcc() throws Exception {
        int code = sendmail("From: App <app@app.example.test>\nTo: a@example.org\nCc: b@example.org\nBcc: secret@example.org,\n c@example.org\n"
                + "Subject: php mail\n\n.leading dot line\nbody\n", "-t", "-i");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        String stored = relay.onlyMessage();
        assertThat(stored).endsWith("From: App <app@app.example.test>\r\nTo: a@example.org\r\nCc: b@example.org\r\n"
                + "Subject: php mail\r\n\r\n.leading dot line\r\nbody\r\n").doesNotContain("secret");
        assertThat(relay.envelopeOf(relay.queuedMessages().get(0)))
                .contains("a@example.org", "b@example.org", "secret@example.org", "c@example.org");
    }

    @Test
    void readsOnlyTheIntakeSection_soAnApplicationsUserNeedsNoAccessToTheRelaysKey() throws Exception {
        // PHP's mail() runs as www-data, which cannot read the relay's DKIM key (mode 0600, the
        // relay's user): a key the relay itself would refuse must not stop sendmail.
        Path key = temp.resolve("not-owner-only.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(config, Files.readString(config)
                + "\n[dkim]\nkey_file = \"" + key + "\"\n");
        assertThatThrownBy(() -> RelayConfig.load(config))
                .as("the relay itself refuses this key").isInstanceOf(ConfigException.class);

        assertThat(sendmail("From: app@app.example.test\nSubject: www-data\n\nbody\n", "bob@example.org"))
                .as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(relay.onlyMessage()).endsWith("Subject: www-data\r\n\r\nbody\r\n");
    }

    @Test
    void withoutDashI_aLoneDotEndsTheInput() throws Exception {
        assertThat(sendmail("From: app@app.example.test\nSubject: x\n\nfirst\n.\nnever sent\n", "bob@example.org")).isZero();
        assertThat(relay.onlyMessage()).endsWith("Subject: x\r\n\r\nfirst\r\n");
    }

    @Test
    void dashF_setsTheSender_andAddsAMissingFromWithTheFullName() throws Exception {
        assertThat(sendmail("Subject: cron\n\nout\n", "-f", "cron@app.example.test", "-F", "Cron Daemon", "bob@example.org")).isZero();
        assertThat(relay.onlyMessage()).contains("\r\nFrom: \"Cron Daemon\" <cron@app.example.test>\r\nSubject: cron\r\n");
    }

    @Test
    void refusedSender_exits65_withTheRelaysReason() {
        assertThat(sendmail("From: root@evil.test\nSubject: x\n\nx\n", "-f", "root@evil.test", "bob@example.org")).isEqualTo(65);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("steward sendmail: 553 5.7.1 <root@evil.test>: Sender address rejected")
                .contains("app.example.test");
    }

    @Test
    void noRecipients_isAUsageError() {
        assertThat(sendmail("From: app@app.example.test\n\nx\n")).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no recipients");
    }

    @Test
    void relayDown_exits69() throws Exception {
        relay.close();
        assertThat(sendmail("From: app@app.example.test\n\nx\n", "bob@example.org")).isEqualTo(69);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the mail relay");
    }
}
