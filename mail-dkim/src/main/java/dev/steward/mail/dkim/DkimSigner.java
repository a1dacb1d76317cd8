package dev.steward.mail.dkim;

import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Signs messages with one key: rsa-sha256 or ed25519-sha256 (chosen by the key type),
 * {@code c=relaxed/relaxed}, {@code d=}, {@code s=}, {@code t=} from the injected clock and
 * {@code h=} from a configured header list. Never {@code l=}, {@code i=}, {@code x=} or {@code z=}.
 *
 * <p>The result is the complete {@code DKIM-Signature:} field, folded into lines of at most 78
 * characters, ending in CRLF, for the caller to prepend to the unchanged message bytes; the message
 * is never re-serialised. The body is hashed as a stream, so a large body need not be in memory.
 *
 * <p>Header selection: a configured name is listed in {@code h=} once per instance present in the
 * message (absent names are left out), except From, which is listed once more than it is present
 * (RFC 6376 §8.15 over-signing), so that adding a From field later breaks the signature.
 *
 * <p>Thread safety: thread-safe (immutable; each call uses its own digest and signature objects).
 */
public final class DkimSigner {

    /** The header fields signed by default when present (issue 4). */
    public static final List<String> DEFAULT_HEADERS = List.of(
            "From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To", "In-Reply-To", "References",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Unsubscribe",
            "List-Unsubscribe-Post");

    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    private final DomainName domain;
    private final String selector;
    private final PrivateKey key;
    private final DkimAlgorithm algorithm;
    private final List<String> headers;
    private final Clock clock;

    /**
     * @param domain the signing domain ({@code d=})
     * @param selector the selector ({@code s=}), e.g. {@code nexx}
     * @param key an RSA or Ed25519 private key, e.g. from {@link DkimKeys#readPrivateKeyPem(String)}
     * @param headers the field names to sign when present; must include From
     * @param clock gives {@code t=}
     * @throws IllegalArgumentException when the key is neither RSA nor Ed25519, the selector is not
     *     a DNS label sequence, or the header list lacks From or has a bad name
     */
    public DkimSigner(DomainName domain, String selector, PrivateKey key, List<String> headers, Clock clock) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.key = Objects.requireNonNull(key, "key");
        this.algorithm = DkimAlgorithm.forKey(key);
        this.headers = List.copyOf(headers);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!selector.matches("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("selector \"" + selector
                    + "\" must be lowercase letters, digits and hyphens in dot-separated labels");
        }
        if (this.headers.stream().noneMatch(name -> name.equalsIgnoreCase("From"))) {
            throw new IllegalArgumentException("the signed header list must include From (RFC 6376 §5.4)");
        }
        for (String name : this.headers) {
            if (!FIELD_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("\"" + name + "\" is not a header field name");
            }
        }
    }

    /** A signer with {@link #DEFAULT_HEADERS}. */
    public DkimSigner(DomainName domain, String selector, PrivateKey key, Clock clock) {
        this(domain, selector, key, DEFAULT_HEADERS, clock);
    }

    /** The algorithm the key signs with. */
    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** Signs a whole message held in memory (CRLF line endings). */
    public String sign(byte[] message) {
        return sign(message, message.length);
    }

    /** Signs the first {@code length} bytes of {@code message}. */
    public String sign(byte[] message, int length) {
        Objects.checkFromIndexSize(0, length, message.length);
        RawHeaders rawHeaders = RawHeaders.parse(message, length);
        MessageDigest digest = DkimAlgorithm.sha256();
        BodyHasher body = BodyHasher.into(Canonicalization.RELAXED, -1, digest);
        body.update(message, rawHeaders.bodyOffset(), length - rawHeaders.bodyOffset());
        body.finish();
        return sign(rawHeaders, digest.digest());
    }

    /**
     * Signs a message given as its header section and a body stream, for bodies that live in a
     * file. {@code header} holds the header fields with their CRLFs (the empty line that ends the
     * section may be included); {@code body} yields the bytes after that empty line and is read to
     * its end but not closed.
     *
     * @throws IOException when reading the body fails
     */
    public String sign(byte[] header, InputStream body) throws IOException {
        RawHeaders rawHeaders = RawHeaders.parse(header, header.length);
        MessageDigest digest = DkimAlgorithm.sha256();
        BodyHasher hasher = BodyHasher.into(Canonicalization.RELAXED, -1, digest);
        byte[] buffer = new byte[16 * 1024];
        for (int read; (read = body.read(buffer)) >= 0; ) {
            hasher.update(buffer, 0, read);
        }
        hasher.finish();
        return sign(rawHeaders, digest.digest());
    }

    private String sign(RawHeaders rawHeaders, byte[] bodyHash) {
        int fromCount = rawHeaders.count("From");
        if (fromCount == 0) {
            throw new IllegalArgumentException("the message has no From field; DKIM requires signing it (RFC 6376 §5.4)");
        }
        List<String> signed = new ArrayList<>();
        for (String name : headers) {
            int present = rawHeaders.count(name);
            int times = name.equalsIgnoreCase("From") ? present + 1 : present;
            for (int i = 0; i < times; i++) {
                signed.add(name);
            }
        }
        FieldFolder field = new FieldFolder(DkimSignature.FIELD_NAME);
        field.spaced("v=1;");
        field.spaced("a=" + algorithm.tagValue() + ";");
        field.spaced("c=relaxed/relaxed;");
        field.spaced("d=" + domain.ascii() + ";");
        field.spaced("s=" + selector + ";");
        field.spaced("t=" + clock.instant().getEpochSecond() + ";");
        field.spaced("h=" + signed.getFirst());
        for (String name : signed.subList(1, signed.size())) {
            field.glued(":" + name);
        }
        field.glued(";");
        field.spaced("bh=" + Base64.getEncoder().encodeToString(bodyHash) + ";");
        field.spaced("b=");
        byte[] headerData = SigningInput.headerData(rawHeaders, signed, Canonicalization.RELAXED, field.toString());
        byte[] signature;
        try {
            signature = algorithm.sign(key, headerData);
        } catch (GeneralSecurityException e) {
            // The key was checked in the constructor; a failure here is a broken JDK provider.
            throw new IllegalStateException("signing with " + algorithm.tagValue() + " failed: " + e.getMessage(), e);
        }
        field.splittable(Base64.getEncoder().encodeToString(signature));
        return field + "\r\n";
    }

    /** Signs and returns the signed message: the signature field followed by the message bytes. */
    public byte[] signedMessage(byte[] message) {
        byte[] signature = sign(message).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[signature.length + message.length];
        System.arraycopy(signature, 0, out, 0, signature.length);
        System.arraycopy(message, 0, out, signature.length, message.length);
        return out;
    }
}
