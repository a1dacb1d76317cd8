package dev.steward.control.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106) through Bouncy Castle's {@link Argon2BytesGenerator}:
 * no hand-written primitive, only the PHC string encoding around it.
 *
 * <p><b>Stored form.</b> The PHC string format, the same that libargon2 and
 * {@code argon2-cffi} write: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with salt and
 * hash in standard base64 without padding. The parameters travel with each hash, so they can be
 * raised later without invalidating stored passwords ({@link #needsRehash}).
 *
 * <p><b>Parameters.</b> The defaults are OWASP's first Argon2id recommendation (Password Storage
 * Cheat Sheet): m = 19 MiB (19,456 KiB), t = 2 iterations, p = 1 lane; a 16-byte random salt and a
 * 32-byte hash. One hash costs about 19 MiB and tens of milliseconds, which also bounds what a
 * login flood can cost: logins are rate limited before hashing.
 *
 * <p><b>Verification</b> recomputes the hash with the stored parameters and compares with
 * {@link MessageDigest#isEqual} (constant time). Parameters outside sane bounds are refused so a
 * tampered row cannot make the server allocate gigabytes.
 *
 * <p>Thread safety: thread-safe (a new generator per call).
 */
public final class PasswordHasher {

    /** OWASP's recommended memory cost in KiB. */
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    /** OWASP's recommended number of passes. */
    public static final int DEFAULT_ITERATIONS = 2;
    /** One lane. */
    public static final int DEFAULT_PARALLELISM = 1;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    /** With the documented defaults. */
    public PasswordHasher() {
        this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
    }

    /**
     * With explicit cost parameters.
     *
     * @param memoryKib 8..1,048,576 KiB and at least 8 per lane
     * @param iterations 1..10
     * @param parallelism 1..16
     */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        checkParameters(memoryKib, iterations, parallelism);
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /** The PHC string for a new random salt. */
    public String hash(String password) {
        checkPassword(password);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code stored}; {@code false} for a malformed or
     * out-of-bounds stored string.
     */
    public boolean verify(String password, String stored) {
        if (password == null || stored == null) {
            return false;
        }
        Matcher phc = PHC.matcher(stored);
        if (!phc.matches()) {
            return false;
        }
        int memory = Integer.parseInt(phc.group(1));
        int passes = Integer.parseInt(phc.group(2));
        int lanes = Integer.parseInt(phc.group(3));
        try {
            checkParameters(memory, passes, lanes);
        } catch (IllegalArgumentException outOfBounds) {
            return false;
        }
        byte[] salt = B64_DECODER.decode(phc.group(4));
        byte[] expected = B64_DECODER.decode(phc.group(5));
        byte[] actual = derive(password, salt, memory, passes, lanes, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Spends the same work as a verification without a stored hash, so that a login for an
     * unknown account takes as long as one with a wrong password (no account enumeration by timing).
     */
    public void burn(String password) {
        derive(password == null ? "" : password, new byte[SALT_BYTES], memoryKib, iterations, parallelism, HASH_BYTES);
    }

    /** Whether {@code stored} was made with other parameters than this hasher's (rehash on next login). */
    public boolean needsRehash(String stored) {
        return stored == null || !stored.startsWith("$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p="
                + parallelism + "$");
    }

    private static byte[] derive(String password, byte[] salt, int memory, int passes, int lanes, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(passes).withParallelism(lanes).withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        byte[] passwordBytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(passwordBytes, out);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
        return out;
    }

    private static void checkParameters(int memoryKib, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("argon2 parallelism must be 1..16, not " + parallelism);
        }
        if (memoryKib < 8 * parallelism || memoryKib > 1_048_576) {
            throw new IllegalArgumentException("argon2 memory must be 8 KiB per lane..1 GiB, not " + memoryKib + " KiB");
        }
        if (iterations < 1 || iterations > 10) {
            throw new IllegalArgumentException("argon2 iterations must be 1..10, not " + iterations);
        }
    }

    /**
     * Refuses empty and absurdly long passwords (a megabyte password would only cost hashing time).
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static void checkPassword(String password) {
        if (password == null || password.length() < 10 || password.length() > 1024) {
            throw new IllegalArgumentException("a password must be 10..1024 characters");
        }
    }
}
