package dev.steward.control.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hash_isPhcArgon2id_withDefaults_andVerifies() {
        String stored = hasher.hash("correct horse battery");
        assertThat(stored).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.verify("correct horse battery", stored)).isTrue();
        assertThat(hasher.verify("correct horse batterY", stored)).isFalse();
        assertThat(hasher.needsRehash(stored)).isFalse();
    }

    @Test
    void hash_saltsEachTime() {
        assertThat(hasher.hash("correct horse battery")).isNotEqualTo(hasher.hash("correct horse battery"));
    }

    @Test
    void verify_usesTheParametersInTheString_notTheHashersOwn() {
        String cheap = new PasswordHasher(1024, 1, 2).hash("correct horse battery");
        assertThat(cheap).startsWith("$argon2id$v=19$m=1024,t=1,p=2$");
        assertThat(hasher.verify("correct horse battery", cheap)).isTrue();
        assertThat(hasher.needsRehash(cheap)).isTrue();
    }

    @Test
    void verify_refusesMalformedOrHostileStrings() {
        assertThat(hasher.verify("password", null)).isFalse();
        assertThat(hasher.verify("password", "")).isFalse();
        assertThat(hasher.verify("password", "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        // 2 GiB of memory from a tampered row is refused instead of allocated.
        assertThat(hasher.verify("password", "$argon2id$v=19$m=2097152,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(new PasswordHasher(1024, 1, 1).needsRehash(hasher.hash("correct horse battery"))).isTrue();
    }

    @Test
    void checkPassword_bounds() {
        assertThatThrownBy(() -> hasher.hash("short")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hasher.hash("x".repeat(1025))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
