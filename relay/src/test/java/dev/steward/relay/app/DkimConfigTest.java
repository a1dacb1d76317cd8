package dev.steward.relay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.mail.dkim.DkimKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimConfigTest {

    private static final PrivateKey RSA = DkimKeys.generateRsa(1024).getPrivate();
    private static final PrivateKey ED = DkimKeys.generateEd25519().getPrivate();

    @TempDir
    Path temp;

    private Path keyFile(String name, String content, String mode) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String config(String dkim) {
        return "[intake]\napp_domains = [\"app.example.test\"]\n[dkim]\n" + dkim;
    }

    private static String onlyProblem(String text) {
        try {
            RelayConfig.parse("relay.toml", text);
        } catch (ConfigException invalid) {
            assertThat(invalid.problems()).hasSize(1);
            return invalid.problems().get(0).message();
        }
        throw new AssertionError("no problem reported");
    }

    @Test
    void noSection_orNoKeyFile_isSigningOff() throws Exception {
        assertThat(RelayConfig.parse("relay.toml", "[intake]\napp_domains = [\"app.example.test\"]\n").dkim().enabled()).isFalse();
        assertThat(RelayConfig.parse("relay.toml", config("selector = \"nexx\"\n")).dkim().enabled()).isFalse();
    }

    @Test
    void rsaKey_withDefaults_andEd25519Second() throws Exception {
        Path rsa = keyFile("rsa.key", DkimKeys.privateKeyPem(RSA), "rw-------");
        Path ed = keyFile("ed.key", DkimKeys.privateKeyPem(ED), "r--------");
        DkimConfig dkim = RelayConfig.parse("relay.toml", config("key_file = \"" + rsa + "\"\n"
                + "ed25519_selector = \"nexx-ed\"\ned25519_key_file = \"" + ed + "\"\n")).dkim();
        assertThat(dkim.keys()).extracting(DkimConfig.Key::selector).containsExactly("nexx", "nexx-ed");
        assertThat(dkim.keys().get(0).privateKey()).isEqualTo(RSA);
        assertThat(dkim.keys().get(1).privateKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void ed25519Primary() throws Exception {
        Path ed = keyFile("ed.key", DkimKeys.privateKeyPem(ED), "rw-------");
        DkimConfig dkim = RelayConfig.parse("relay.toml", config("selector = \"s1\"\nalgorithm = \"ed25519\"\nkey_file = \"" + ed + "\"\n")).dkim();
        assertThat(dkim.keys()).extracting(DkimConfig.Key::selector).containsExactly("s1");
    }

    @Test
    void missingKeyFile() {
        Path missing = temp.resolve("nope.key");
        assertThat(onlyProblem(config("key_file = \"" + missing + "\"\n")))
                .isEqualTo("relay.toml: [dkim] key_file = \"" + missing + "\": does not exist; create it with: "
                        + "steward dkim keygen --domain APP_HOST --out DIR");
    }

    @Test
    void unreadableKeyFile() throws Exception {
        Path directory = Files.createDirectory(temp.resolve("dir.key"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        assertThat(onlyProblem(config("key_file = \"" + directory + "\"\n")))
                .startsWith("relay.toml: [dkim] key_file = \"" + directory + "\": cannot be read: ");
    }

    @Test
    void groupOrOthersMayReadOrWrite_saysChmod600() throws Exception {
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-"}) {
            Path file = keyFile("k-" + mode + ".key", DkimKeys.privateKeyPem(RSA), mode);
            assertThat(onlyProblem(config("key_file = \"" + file + "\"\n"))).as(mode)
                    .isEqualTo("relay.toml: [dkim] key_file = \"" + file
                            + "\": must be readable and writable by its owner only (chmod 600 " + file + ")");
        }
    }

    @Test
    void notPkcs8_passesDkimKeysMessageThrough() throws Exception {
        Path file = keyFile("pkcs1.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n", "rw-------");
        assertThat(onlyProblem(config("key_file = \"" + file + "\"\n")))
                .isEqualTo("relay.toml: [dkim] key_file = \"" + file + "\": is not a usable PKCS#8 PEM private key: "
                        + "this is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY), not PKCS#8; convert it with: "
                        + "openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
        Path garbage = keyFile("garbage.key", "hello\n", "rw-------");
        assertThat(onlyProblem(config("key_file = \"" + garbage + "\"\n"))).contains("not a PEM file");
    }

    @Test
    void keyTypeMustMatchAlgorithm() throws Exception {
        Path ed = keyFile("ed.key", DkimKeys.privateKeyPem(ED), "rw-------");
        assertThat(onlyProblem(config("key_file = \"" + ed + "\"\n")))
                .isEqualTo("relay.toml: [dkim] key_file = \"" + ed + "\": holds an ed25519 key, but algorithm = \"rsa\" needs an rsa key");
        Path rsa = keyFile("rsa.key", DkimKeys.privateKeyPem(RSA), "rw-------");
        assertThat(onlyProblem(config("algorithm = \"ed25519\"\nkey_file = \"" + rsa + "\"\n")))
                .isEqualTo("relay.toml: [dkim] key_file = \"" + rsa + "\": holds an rsa key, but algorithm = \"ed25519\" needs an ed25519 key");
        assertThat(onlyProblem(config("key_file = \"" + rsa + "\"\ned25519_selector = \"e\"\ned25519_key_file = \"" + rsa + "\"\n")))
                .isEqualTo("relay.toml: [dkim] ed25519_key_file = \"" + rsa + "\": holds an rsa key, but ed25519_key_file needs an ed25519 key");
    }

    @Test
    void secondSignature_needsBothKeys_andItsOwnSelector() throws Exception {
        Path rsa = keyFile("rsa.key", DkimKeys.privateKeyPem(RSA), "rw-------");
        Path ed = keyFile("ed.key", DkimKeys.privateKeyPem(ED), "rw-------");
        assertThat(onlyProblem(config("key_file = \"" + rsa + "\"\ned25519_key_file = \"" + ed + "\"\n")))
                .isEqualTo("relay.toml: [dkim] ed25519_selector = \"\": ed25519_selector and ed25519_key_file go together (the second signature needs both)");
        assertThat(onlyProblem(config("key_file = \"" + rsa + "\"\ned25519_selector = \"nexx\"\ned25519_key_file = \"" + ed + "\"\n")))
                .isEqualTo("relay.toml: [dkim] ed25519_selector = \"nexx\": must differ from selector (each key needs its own DNS record)");
        assertThat(onlyProblem(config("selector = \"Bad_Sel\"\nkey_file = \"" + rsa + "\"\n")))
                .startsWith("relay.toml: [dkim] selector = \"Bad_Sel\": must be lowercase letters");
        assertThat(onlyProblem(config("algorithm = \"dsa\"\nkey_file = \"" + rsa + "\"\n")))
                .startsWith("relay.toml: [dkim] algorithm = \"dsa\"");
    }

    @Test
    void unknownKey_isAProblem() {
        assertThatThrownBy(() -> RelayConfig.parse("relay.toml", config("keyfile = \"x\"\n")))
                .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).problems().get(0))
                .extracting(ConfigProblem::message).asString().contains("unknown key");
    }
}
