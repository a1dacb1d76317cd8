package dev.steward.mail.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A parsed DKIM key record (RFC 6376 §3.6.1), the TXT value at {@code SELECTOR._domainkey.DOMAIN}.
 *
 * <p>Thread safety: immutable.
 *
 * @param keyType {@code k=}: {@code rsa} (the default) or {@code ed25519}
 * @param publicKeyValue {@code p=} with whitespace removed; empty means the key is revoked
 * @param publicKey the decoded key, or {@code null} when revoked
 * @param hashAlgorithms {@code h=}, empty when absent (all allowed)
 * @param serviceTypes {@code s=}, {@code [*]} when absent
 * @param testing {@code t=y}: the domain is testing DKIM
 * @param strictIdentity {@code t=s}: {@code i=} must use exactly {@code d=}, not a subdomain
 */
public record DkimKeyRecord(
        String keyType,
        String publicKeyValue,
        PublicKey publicKey,
        List<String> hashAlgorithms,
        List<String> serviceTypes,
        boolean testing,
        boolean strictIdentity) {

    /** RFC 8301 §3.2: verifiers must not accept shorter RSA keys. */
    public static final int MIN_RSA_BITS = 1024;

    public DkimKeyRecord {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(publicKeyValue, "publicKeyValue");
        hashAlgorithms = List.copyOf(hashAlgorithms);
        serviceTypes = List.copyOf(serviceTypes);
    }

    /** True when {@code p=} is empty (§3.6.1: the key has been revoked). */
    public boolean revoked() {
        return publicKeyValue.isEmpty();
    }

    /**
     * Parses a key record (the TXT strings already joined).
     *
     * @throws IllegalArgumentException with the reason: {@code v=} not first or not DKIM1, unknown
     *     {@code k=}, {@code p=} missing or not a key of type {@code k=}, an RSA key shorter than
     *     1024 bits, or a service type that excludes email
     */
    public static DkimKeyRecord parse(String text) {
        TagList tags = TagList.parse(text);
        if (tags.has("v") && (!"v".equals(tags.firstName()) || !tags.get("v").equals("DKIM1"))) {
            throw new IllegalArgumentException("v= must come first and be DKIM1, not \"" + tags.get("v") + "\"");
        }
        String keyType = tags.has("k") ? tags.get("k") : "rsa";
        if (!keyType.equals("rsa") && !keyType.equals("ed25519")) {
            throw new IllegalArgumentException("unknown key type k=" + keyType);
        }
        if (!tags.has("p")) {
            throw new IllegalArgumentException("required tag p= is missing");
        }
        String value = TagList.removeWhitespace(tags.get("p"));
        List<String> hashes = list(tags.get("h"), List.of());
        if (!hashes.isEmpty() && !hashes.contains("sha256")) {
            throw new IllegalArgumentException("h=" + tags.get("h") + " does not allow sha256");
        }
        List<String> services = list(tags.get("s"), List.of("*"));
        if (!services.contains("*") && !services.contains("email")) {
            throw new IllegalArgumentException("s=" + tags.get("s") + ": the key is not for email");
        }
        List<String> flags = list(tags.get("t"), List.of());
        PublicKey key = value.isEmpty() ? null : decode(keyType, value);
        return new DkimKeyRecord(keyType, value, key, hashes, services, flags.contains("y"), flags.contains("s"));
    }

    private static List<String> list(String value, List<String> absent) {
        if (value == null) {
            return absent;
        }
        return Arrays.stream(value.split(":")).map(TagList::removeWhitespace).filter(s -> !s.isEmpty()).toList();
    }

    private static PublicKey decode(String keyType, String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("p= is not base64");
        }
        try {
            if (keyType.equals("ed25519")) {
                // RFC 8463 §4.2: the raw 32-octet public key, not a SubjectPublicKeyInfo.
                if (bytes.length != 32) {
                    throw new IllegalArgumentException(
                            "p= for k=ed25519 must be 32 octets, not " + bytes.length);
                }
                return KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(Der.concat(Der.ED25519_SPKI_PREFIX, bytes)));
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPublicKey key;
            try {
                key = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(bytes));
            } catch (GeneralSecurityException notSpki) {
                // XXX A bare PKCS#1 RSAPublicKey is not RFC 6376 (§3.6.1 says SubjectPublicKeyInfo),
                // but some old publishers use it and dkimpy accepts it; so do we.
                key = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(Der.rsaSpki(bytes)));
            }
            if (key.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("the RSA key has " + key.getModulus().bitLength()
                        + " bits, fewer than " + MIN_RSA_BITS + " (RFC 8301 §3.2)");
            }
            return key;
        } catch (GeneralSecurityException | ClassCastException bad) {
            throw new IllegalArgumentException("p= is not a valid " + keyType + " public key", bad);
        }
    }
}
