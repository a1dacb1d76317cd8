package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialTest {

    @TempDir
    Path temp;

    @Test
    void writtenPrivately_andReadBack() throws Exception {
        Path file = temp.resolve("state/credential.json");
        Credential credential = new Credential(42, "cln042-prd-app001.hosting.example", "secret-value",
                Instant.parse("2026-11-28T19:00:00Z"));

        credential.write(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Credential.read(file)).contains(credential);
        assertThat(credential.toString()).doesNotContain("secret-value");
        assertThat(Credential.read(temp.resolve("none.json"))).isEmpty();
    }

    @Test
    void readableByOthers_isRefused() throws Exception {
        Path file = temp.resolve("credential.json");
        new Credential(1, "s", "c", Instant.EPOCH).write(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> Credential.read(file)).isInstanceOf(IOException.class).hasMessageContaining("chmod 600");
    }
}
