package dev.steward.mail.dkim;

import java.io.ByteArrayOutputStream;

/**
 * The few DER encodings needed to wrap raw key material into the structures the JDK's
 * {@code KeyFactory} reads (X.690 §8; lengths in definite form).
 *
 * <p>Thread safety: stateless.
 */
final class Der {

    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    /** SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4): 12 octets, then the 32-octet key. */
    static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    /** PKCS#8 prefix for an Ed25519 private key (RFC 8410 §7): 16 octets, then the 32-octet seed. */
    static final byte[] ED25519_PKCS8_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
    };

    private Der() {
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** SubjectPublicKeyInfo around a PKCS#1 RSAPublicKey. */
    static byte[] rsaSpki(byte[] pkcs1PublicKey) {
        byte[] bitString = element(0x03, concat(new byte[] {0}, pkcs1PublicKey));
        return element(0x30, concat(RSA_ALGORITHM, bitString));
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey. */
    static byte[] rsaPkcs8(byte[] pkcs1PrivateKey) {
        byte[] version = {0x02, 0x01, 0x00};
        return element(0x30, concat(version, RSA_ALGORITHM, element(0x04, pkcs1PrivateKey)));
    }
}
