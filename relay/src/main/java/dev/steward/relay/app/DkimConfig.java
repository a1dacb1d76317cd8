package dev.steward.relay.app;

import dev.steward.common.config.ConfigReader;
import dev.steward.mail.dkim.DkimAlgorithm;
import dev.steward.mail.dkim.DkimKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [dkim]}: the key(s) the relay signs every accepted message with. No section, or no
 * {@code key_file}, means signing is off (the relay logs {@code dkim_disabled} at start); the
 * configurations the agent generates for production always set {@code key_file}.
 *
 * <p>Keys are read at config load: a missing or unreadable file, a file that its group or others
 * may read or write, a file that is not unencrypted PKCS#8 PEM, or a key whose type does not
 * match {@code algorithm} is a problem, and nothing starts.
 *
 * @param keys the signing keys in signing order (the primary first, then the optional Ed25519
 *     second signature); empty when signing is off
 *
 * <p>Thread safety: immutable.
 */
public record DkimConfig(List<Key> keys) {

    public static final String DEFAULT_SELECTOR = "nexx";

    /** No signing. */
    public static final DkimConfig OFF = new DkimConfig(List.of());

    /** One signing key: {@code s=} selector, the private key and the file it came from. */
    public record Key(String selector, PrivateKey privateKey, Path file) {
    }

    public DkimConfig {
        keys = List.copyOf(keys);
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    static DkimConfig read(ConfigReader reader) {
        boolean present = reader.hasSection("dkim");
        ConfigReader.Section section = reader.section("dkim"); // known, even when absent
        if (!present) {
            section.finish();
            return OFF;
        }
        String selector = section.string("selector", DEFAULT_SELECTOR);
        String keyFile = section.string("key_file", "");
        String algorithm = section.choice("algorithm", "rsa", List.of("rsa", "ed25519"));
        String edSelector = section.string("ed25519_selector", "");
        String edKeyFile = section.string("ed25519_key_file", "");
        section.finish();
        boolean ok = checkSelector(section, "selector", selector);
        if (!edSelector.isEmpty()) {
            ok &= checkSelector(section, "ed25519_selector", edSelector);
        }
        if (edSelector.isEmpty() != edKeyFile.isEmpty()) {
            section.problem(edSelector.isEmpty() ? "ed25519_selector" : "ed25519_key_file", "\"\"",
                    "ed25519_selector and ed25519_key_file go together (the second signature needs both)");
            ok = false;
        }
        if (keyFile.isEmpty()) {
            if (!edKeyFile.isEmpty()) {
                section.problem("key_file", "\"\"", "is required when ed25519_key_file is set (the Ed25519 signature is the second one)");
            }
            return OFF;
        }
        if (!edSelector.isEmpty() && edSelector.equals(selector)) {
            section.problem("ed25519_selector", "\"" + edSelector + "\"", "must differ from selector (each key needs its own DNS record)");
            ok = false;
        }
        List<Key> keys = new ArrayList<>();
        PrivateKey primary = readKey(section, "key_file", Path.of(keyFile),
                algorithm.equals("rsa") ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256, "algorithm = \"" + algorithm + "\"");
        if (primary != null) {
            keys.add(new Key(selector, primary, Path.of(keyFile)));
        }
        if (!edKeyFile.isEmpty()) {
            PrivateKey second = readKey(section, "ed25519_key_file", Path.of(edKeyFile), DkimAlgorithm.ED25519_SHA256,
                    "ed25519_key_file");
            if (second != null) {
                keys.add(new Key(edSelector, second, Path.of(edKeyFile)));
            }
        }
        return ok ? new DkimConfig(keys) : OFF;
    }

    /** A selector the signer accepts: lowercase DNS labels. */
    static boolean validSelector(String selector) {
        return selector.matches("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");
    }

    private static boolean checkSelector(ConfigReader.Section section, String key, String selector) {
        if (!validSelector(selector)) {
            section.problem(key, "\"" + selector + "\"", "must be lowercase letters, digits and hyphens in dot-separated labels, such as \"nexx\"");
            return false;
        }
        return true;
    }

    /** The private key in {@code file}, or null after reporting why it cannot be used. */
    private static PrivateKey readKey(ConfigReader.Section section, String key, Path file, DkimAlgorithm expected,
            String expectedBy) {
        String shown = "\"" + file + "\"";
        if (!Files.exists(file)) {
            section.problem(key, shown, "does not exist; create it with: steward dkim keygen --domain APP_HOST --out DIR");
            return null;
        }
        String pem = section.ownerOnlyFile(key, file, "must be readable and writable by its owner only (chmod 600 " + file + ")");
        if (pem == null) {
            return null;
        }
        PrivateKey privateKey;
        try {
            privateKey = DkimKeys.readPrivateKeyPem(pem);
        } catch (IllegalArgumentException bad) {
            section.problem(key, shown, "is not a usable PKCS#8 PEM private key: " + bad.getMessage());
            return null;
        }
        DkimAlgorithm actual = DkimAlgorithm.forKey(privateKey);
        if (actual != expected) {
            section.problem(key, shown, "holds an " + actual.keyType() + " key, but " + expectedBy + " needs an "
                    + expected.keyType() + " key");
            return null;
        }
        return privateKey;
    }
}
