package dev.steward.mail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;

/**
 * The signing algorithms Steward signs and verifies with ({@code a=} tag). rsa-sha1 is not here:
 * RFC 8301 §3.1 forbids signing with it and verifiers treat it as an unknown algorithm.
 *
 * <p>Thread safety: immutable.
 */
public enum DkimAlgorithm {

    /** RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 over the SHA-256 of the header data. */
    RSA_SHA256("rsa-sha256", "rsa", "RSA"),

    /**
     * RFC 8463 §3: PureEdDSA Ed25519 over the SHA-256 hash of the header data (the hash is signed,
     * not the data itself).
     */
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

    private final String tagValue;
    private final String keyType;
    private final String jcaKeyAlgorithm;

    DkimAlgorithm(String tagValue, String keyType, String jcaKeyAlgorithm) {
        this.tagValue = tagValue;
        this.keyType = keyType;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
    }

    /** The {@code a=} value, e.g. {@code rsa-sha256}. */
    public String tagValue() {
        return tagValue;
    }

    /** The key record's {@code k=} value, e.g. {@code rsa}. */
    public String keyType() {
        return keyType;
    }

    /** The JCA key algorithm name ({@code RSA} or {@code Ed25519}). */
    String jcaKeyAlgorithm() {
        return jcaKeyAlgorithm;
    }

    /** The algorithm with this {@code a=} value (case-insensitive), if supported. */
    public static Optional<DkimAlgorithm> ofTagValue(String value) {
        for (DkimAlgorithm algorithm : values()) {
            if (algorithm.tagValue.equalsIgnoreCase(value)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** The algorithm that signs with this key: RSA or Ed25519 (EdDSA). */
    public static DkimAlgorithm forKey(java.security.Key key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> RSA_SHA256;
            case "Ed25519", "EdDSA" -> ED25519_SHA256;
            default -> throw new IllegalArgumentException(
                    "a " + key.getAlgorithm() + " key cannot sign DKIM; use RSA or Ed25519");
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }

    byte[] sign(PrivateKey key, byte[] headerData) throws GeneralSecurityException {
        Signature signature = newSignature();
        signature.initSign(key);
        signature.update(input(headerData));
        return signature.sign();
    }

    boolean verify(PublicKey key, byte[] headerData, byte[] signatureBytes) throws GeneralSecurityException {
        Signature signature = newSignature();
        signature.initVerify(key);
        signature.update(input(headerData));
        return signature.verify(signatureBytes);
    }

    private Signature newSignature() throws NoSuchAlgorithmException {
        return Signature.getInstance(this == RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    private byte[] input(byte[] headerData) {
        // RFC 8463 §3: Ed25519 signs the SHA-256 of the data; SHA256withRSA hashes internally.
        return this == RSA_SHA256 ? headerData : sha256().digest(headerData);
    }
}
