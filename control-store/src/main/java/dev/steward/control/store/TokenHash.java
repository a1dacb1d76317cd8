package dev.steward.control.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Secret tokens (API tokens, session ids): how they are made and the only form that is stored.
 * The database holds the SHA-256 of a token, never the token, so a copy of the database cannot be
 * used to log in.
 *
 * <p>Thread safety: thread-safe.
 */
public final class TokenHash {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenHash() {
    }

    /** A new random token: 32 bytes, URL-safe base64 without padding (43 characters). */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The lowercase hex SHA-256 of the token's UTF-8 bytes (64 characters). */
    public static String sha256(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
