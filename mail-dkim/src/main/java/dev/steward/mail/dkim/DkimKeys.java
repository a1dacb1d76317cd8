package dev.steward.mail.dkim;

import dev.steward.mail.model.DomainName;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * DKIM key tools: generate RSA and Ed25519 key pairs, write and read the private key as PKCS#8 PEM
 * (RFC 5208, RFC 7468 §10), derive the public key, and render the {@code p=} value and the DNS TXT
 * record to publish.
 *
 * <p>Thread safety: stateless; all methods are thread-safe.
 */
public final class DkimKeys {

    /** The default RSA size (RFC 8301 §3.2 asks signers for at least 1024 bits; 2048 is usual). */
    public static final int DEFAULT_RSA_BITS = 2048;

    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";
    private static final String PUBLIC_PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PUBLIC_PEM_END = "-----END PUBLIC KEY-----";

    /** OID 1.2.840.10045.2.1 (id-ecPublicKey), DER-encoded, to name EC keys in the error. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private DkimKeys() {
    }

    /** A new 2048-bit RSA key pair. */
    public static KeyPair generateRsa() {
        return generateRsa(DEFAULT_RSA_BITS);
    }

    /**
     * A new RSA key pair.
     *
     * @throws IllegalArgumentException when {@code bits} is below 1024 or above 8192
     */
    public static KeyPair generateRsa(int bits) {
        if (bits < DkimKeyRecord.MIN_RSA_BITS || bits > 8192) {
            throw new IllegalArgumentException("RSA key size must be 1024..8192 bits, not " + bits);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has RSA", e);
        }
    }

    /** A new Ed25519 key pair (RFC 8463). */
    public static KeyPair generateEd25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java 15+ has Ed25519", e);
        }
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), 64-character lines, LF endings. */
    public static String privateKeyPem(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("the key has no PKCS#8 encoding (" + key.getFormat() + ")");
        }
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
    }

    /**
     * Reads a PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}) holding an RSA or Ed25519 key.
     *
     * @throws IllegalArgumentException saying what the text is instead: not PEM, another PEM type
     *     (PKCS#1 {@code RSA PRIVATE KEY}, encrypted PKCS#8, a public key, an OpenSSH key), bad
     *     base64, not DER, or a key type DKIM cannot use
     */
    public static PrivateKey readPrivateKeyPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        int begin = pem.indexOf("-----BEGIN ");
        if (begin < 0) {
            throw new IllegalArgumentException("not a PEM file: no \"-----BEGIN PRIVATE KEY-----\" line");
        }
        int labelEnd = pem.indexOf("-----", begin + 11);
        String label = labelEnd < 0 ? "" : pem.substring(begin + 11, labelEnd);
        switch (label) {
            case "PRIVATE KEY" -> { }
            case "RSA PRIVATE KEY" -> throw new IllegalArgumentException("this is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY), "
                    + "not PKCS#8; convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the PKCS#8 key is encrypted; "
                    + "store it unencrypted (openssl pkcs8 -topk8 -nocrypt) and protect it with file permissions");
            case "PUBLIC KEY" -> throw new IllegalArgumentException("this is a public key (BEGIN PUBLIC KEY), not a private key");
            case "OPENSSH PRIVATE KEY" -> throw new IllegalArgumentException("this is an OpenSSH key, not PKCS#8 PEM");
            default -> throw new IllegalArgumentException("PEM type \"" + label + "\" is not a PKCS#8 private key "
                    + "(expected BEGIN PRIVATE KEY)");
        }
        int bodyStart = pem.indexOf('\n', begin);
        int end = pem.indexOf(PEM_END, begin);
        if (bodyStart < 0 || end < 0 || end < bodyStart) {
            throw new IllegalArgumentException("the PEM has no \"" + PEM_END + "\" line");
        }
        byte[] der;
        try {
            // Strict decoder after removing line breaks: the MIME decoder would skip junk silently.
            der = Base64.getDecoder().decode(pem.substring(bodyStart + 1, end).replaceAll("\\s+", ""));
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the PEM body is not base64: " + notBase64.getMessage(), notBase64);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        // The spec does not name the algorithm (that needs the two-argument constructor), so try
        // the two DKIM can use; the key factory checks the structure and the algorithm OID.
        for (String algorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next
            }
        }
        if (contains(der, EC_OID)) {
            throw new IllegalArgumentException("the key is an EC (ECDSA) key; DKIM signs with RSA or Ed25519 only");
        }
        throw new IllegalArgumentException("the PEM body is not a PKCS#8 RSA or Ed25519 private key "
                + "(damaged, or another key type)");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The public key as SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}, RFC 7468 §13), 64-character
     * lines, LF endings: the file {@code dkim keygen} writes beside the private key, which the DNS
     * check compares with the published record.
     */
    public static String publicKeyPem(PublicKey key) {
        Objects.requireNonNull(key, "key");
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return PUBLIC_PEM_BEGIN + "\n" + body + "\n" + PUBLIC_PEM_END + "\n";
    }

    /**
     * Reads the key a DNS check compares with: a {@code BEGIN PUBLIC KEY} PEM holding an RSA or
     * Ed25519 key, or a PKCS#8 private key PEM, whose public half is taken.
     *
     * @throws IllegalArgumentException saying what the text is instead
     */
    public static PublicKey readPublicKeyPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            return publicKey(readPrivateKeyPem(pem));
        }
        int begin = pem.indexOf(PUBLIC_PEM_BEGIN);
        int end = pem.indexOf(PUBLIC_PEM_END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not a public key PEM: expected \"" + PUBLIC_PEM_BEGIN + "\" ... \""
                    + PUBLIC_PEM_END + "\"");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(pem.substring(begin + PUBLIC_PEM_BEGIN.length(), end).replaceAll("\\s+", ""));
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the PEM body is not base64: " + notBase64.getMessage(), notBase64);
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next
            }
        }
        throw new IllegalArgumentException("the PEM body is not an RSA or Ed25519 public key (damaged, or another key type)");
    }

    /** The public half of an RSA (CRT form) or Ed25519 private key, e.g. to render the TXT record from the key file. */
    public static PublicKey publicKey(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key instanceof EdECPrivateKey ed) {
                byte[] seed = ed.getBytes().orElseThrow(() -> new IllegalArgumentException("the Ed25519 key hides its bytes"));
                // The JDK has no "public key of this private key" call; the generator derives the
                // public key from the 32 random bytes it draws (RFC 8032 §5.1.5), so hand it the seed.
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
                return generator.generateKeyPair().getPublic();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("deriving the public key failed: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("cannot derive the public key of a " + key.getAlgorithm() + " key");
    }

    /**
     * The {@code p=} value for a public key: for RSA the base64 SubjectPublicKeyInfo DER (RFC 6376
     * §3.6.1), for Ed25519 the base64 raw 32-octet key (RFC 8463 §4.2).
     */
    public static String publicKeyValue(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return switch (DkimAlgorithm.forKey(key)) {
            case RSA_SHA256 -> Base64.getEncoder().encodeToString(encoded);
            case ED25519_SHA256 -> Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(encoded, Der.ED25519_SPKI_PREFIX.length, encoded.length));
        };
    }

    /** The TXT record publishing {@code key} for {@code selector} at {@code domain}: {@code v=DKIM1; k=...; p=...}. */
    public static DkimTxtRecord txtRecord(DomainName domain, String selector, PublicKey key) {
        String value = "v=DKIM1; k=" + DkimAlgorithm.forKey(key).keyType() + "; p=" + publicKeyValue(key);
        return new DkimTxtRecord(selector + "._domainkey." + domain.ascii(), value);
    }

    /** A "random" source that yields one fixed seed; only for {@link #publicKey(PrivateKey)}. */
    private static final class FixedBytes extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed; // the Ed25519 private key bytes to hand out

        FixedBytes(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
