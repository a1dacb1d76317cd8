package dev.steward.mail.dkim;

import java.security.KeyPair;

/** Keys generated once per test JVM (RSA generation takes a moment). */
final class TestKeys {

    static final KeyPair RSA = DkimKeys.generateRsa();
    static final KeyPair ED25519 = DkimKeys.generateEd25519();

    private TestKeys() {
    }
}
