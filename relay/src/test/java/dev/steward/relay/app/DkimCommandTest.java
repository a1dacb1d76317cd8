package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dkim.DkimKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimCommandTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return StewardCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String zoneLine(String text) {
        return text.lines().filter(line -> line.contains(". IN TXT ")).findFirst().orElseThrow();
    }

    @Test
    void keygenRsa_writesA0600Pkcs8Key_printsTheRecord_andRefusesToOverwrite() throws Exception {
        Path dir = temp.resolve("dkim");
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--out", dir.toString())).isZero();
        Path key = dir.resolve("nexx.app.example.test.key");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String pem = Files.readString(key);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(DkimKeys.readPrivateKeyPem(pem).getAlgorithm()).isEqualTo("RSA");
        assertThat(DkimKeys.readPublicKeyPem(Files.readString(dir.resolve("nexx.app.example.test.pub"))))
                .as("the public key file beside it").isEqualTo(DkimKeys.publicKey(DkimKeys.readPrivateKeyPem(pem)));
        assertThat(out()).contains("owner: nexx._domainkey.app.example.test\n").contains("type:  TXT\n");
        String line = zoneLine(out());
        assertThat(line).startsWith("nexx._domainkey.app.example.test. IN TXT \"v=DKIM1; k=rsa; p=");
        Matcher strings = Pattern.compile("\"([^\"]*)\"").matcher(line);
        int count = 0;
        while (strings.find()) {
            assertThat(strings.group(1).length()).isLessThanOrEqualTo(255);
            count++;
        }
        assertThat(count).isGreaterThan(1); // a 2048-bit key needs two strings

        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--out", dir.toString())).isEqualTo(73);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("already exists; not overwriting");
        assertThat(Files.readString(key)).isEqualTo(pem);

        // dkim record derives the same record from the private key in the configuration
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, "[intake]\napp_domains = [\"app.example.test\"]\n[dkim]\nkey_file = \"" + key + "\"\n");
        assertThat(run("dkim", "record", "--config", config.toString())).isZero();
        assertThat(zoneLine(out())).isEqualTo(line);
    }

    @Test
    void keygenEd25519_withSelector_andRecordForBothKeys() throws Exception {
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--selector", "nexx-ed", "--algorithm", "ed25519",
                "--out", temp.toString())).isZero();
        Path ed = temp.resolve("nexx-ed.app.example.test.key");
        assertThat(Files.getPosixFilePermissions(ed)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String edLine = zoneLine(out());
        assertThat(edLine).startsWith("nexx-ed._domainkey.app.example.test. IN TXT \"v=DKIM1; k=ed25519; p=");
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--bits", "1024", "--out", temp.toString())).isZero();
        Path rsa = temp.resolve("nexx.app.example.test.key");
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, "[intake]\napp_domains = [\"app.example.test\"]\n[dkim]\nkey_file = \"" + rsa + "\"\n"
                + "ed25519_selector = \"nexx-ed\"\ned25519_key_file = \"" + ed + "\"\n");
        assertThat(run("dkim", "record", "--config", config.toString())).isZero();
        assertThat(out()).contains("nexx._domainkey.app.example.test. IN TXT \"v=DKIM1; k=rsa; p=").contains(edLine);
    }

    @Test
    void usageAndConfigErrors_haveTheirExitCodes() throws Exception {
        assertThat(run("dkim")).isEqualTo(64);
        assertThat(run("dkim", "keygen", "--domain", "app.example.test")).isEqualTo(64);
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--algorithm", "dsa", "--out", temp.toString())).isEqualTo(64);
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--bits", "512", "--out", temp.toString())).isEqualTo(64);
        assertThat(run("dkim", "keygen", "--domain", "app.example.test", "--selector", "Bad_Sel", "--out", temp.toString())).isEqualTo(64);
        assertThat(run("dkim", "frobnicate")).isEqualTo(64);
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, "[intake]\napp_domains = [\"app.example.test\"]\n");
        assertThat(run("dkim", "record", "--config", config.toString())).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no [dkim] key_file");
        Files.writeString(config, "[intake]\napp_domains = [\"app.example.test\"]\n[dkim]\nkey_file = \"" + temp.resolve("none") + "\"\n");
        assertThat(run("dkim", "record", "--config", config.toString())).isEqualTo(78);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist");
    }
}
