package dev.steward.mail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Verifies every DKIM-Signature field of a message (RFC 6376 §6.1) and returns one
 * {@link DkimResult} per field, in message order. A message without signatures gives an empty list.
 *
 * <p>Per signature: parse and check the tags ({@link DkimSignature#parse}); reject an expired
 * {@code x=}; fetch the key record at {@code s._domainkey.d} through the {@link KeyRecordSource}; check
 * that the key is usable for the signature (not revoked, {@code k=} matches {@code a=}, {@code h=}
 * allows sha256, {@code t=s} identity rule); compare the body hash ({@code l=} honoured); verify
 * {@code b=} over the header data.
 *
 * <p>Thread safety: thread-safe when the key source is.
 */
public final class DkimVerifier {

    /** More signatures than this are not checked (each costs a DNS lookup); the rest are PermErrors. */
    public static final int MAX_SIGNATURES = 10;

    private final KeyRecordSource keys;
    private final Clock clock;

    public DkimVerifier(KeyRecordSource keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Verifies a message held in memory (CRLF line endings). */
    public List<DkimResult> verify(byte[] message) {
        return verify(message, message.length);
    }

    /** Verifies the first {@code length} bytes of {@code message}. */
    public List<DkimResult> verify(byte[] message, int length) {
        Objects.checkFromIndexSize(0, length, message.length);
        RawHeaders headers = RawHeaders.parse(message, length);
        List<DkimResult> results = new ArrayList<>();
        for (RawHeaders.Field field : headers.fields()) {
            if (!field.hasName(DkimSignature.FIELD_NAME)) {
                continue;
            }
            if (results.size() >= MAX_SIGNATURES) {
                results.add(new DkimResult.PermError("", "more than " + MAX_SIGNATURES + " signatures"));
                continue;
            }
            results.add(verifyOne(headers, field, message, length));
        }
        return results;
    }

    private DkimResult verifyOne(RawHeaders headers, RawHeaders.Field field, byte[] message, int length) {
        DkimSignature signature;
        try {
            signature = DkimSignature.parse(field.raw().substring(field.raw().indexOf(':') + 1));
        } catch (IllegalArgumentException malformed) {
            return new DkimResult.PermError(roughDomain(field.raw()), "malformed signature: " + malformed.getMessage());
        }
        String domain = signature.domain().ascii();
        if (signature.expiration() >= 0 && signature.expiration() < clock.instant().getEpochSecond()) {
            return new DkimResult.PermError(domain, "signature expired (x=" + signature.expiration() + ")");
        }
        DkimKeyRecord key;
        try {
            key = fetchKey(signature);
        } catch (KeyRecordSource.KeyLookupException temporary) {
            return new DkimResult.TempError(domain, "key lookup for " + signature.keyRecordName()
                    + " failed: " + temporary.getMessage());
        } catch (IllegalArgumentException unusable) {
            return new DkimResult.PermError(domain, unusable.getMessage());
        }
        if (key.revoked()) {
            return new DkimResult.PermError(domain, "key " + signature.keyRecordName() + " is revoked (empty p=)");
        }
        if (!key.keyType().equals(signature.algorithm().keyType())) {
            return new DkimResult.PermError(domain, "key type k=" + key.keyType() + " does not match a="
                    + signature.algorithm().tagValue());
        }
        if (key.strictIdentity() && !signature.identityDomain().equalsIgnoreCase(domain)) {
            return new DkimResult.PermError(domain, "key has t=s but i= uses a subdomain of d=");
        }

        MessageDigest digest = DkimAlgorithm.sha256();
        BodyHasher body = BodyHasher.into(signature.bodyCanonicalization(), signature.bodyLength(), digest);
        body.update(message, headers.bodyOffset(), length - headers.bodyOffset());
        body.finish();
        if (signature.bodyLength() > body.canonicalLength()) {
            return new DkimResult.PermError(domain, "l=" + signature.bodyLength()
                    + " is longer than the canonical body (" + body.canonicalLength() + ")");
        }
        String bodyHash = Base64.getEncoder().encodeToString(digest.digest());
        if (!bodyHash.equals(signature.bodyHash())) {
            return new DkimResult.Fail(signature, "body hash mismatch (the body was changed)");
        }

        byte[] headerData = SigningInput.headerData(headers, signature.signedHeaders(),
                signature.headerCanonicalization(), SigningInput.withoutSignatureValue(field.raw()));
        try {
            if (!signature.algorithm().verify(key.publicKey(), headerData, Base64.getDecoder().decode(signature.signature()))) {
                return new DkimResult.Fail(signature, "signature does not verify (a signed header was changed)");
            }
        } catch (GeneralSecurityException broken) {
            return new DkimResult.Fail(signature, "signature does not verify: " + broken.getMessage());
        }
        return new DkimResult.Pass(signature);
    }

    private DkimKeyRecord fetchKey(DkimSignature signature) throws KeyRecordSource.KeyLookupException {
        String name = signature.keyRecordName();
        List<String> records = keys.txt(name);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no key record at " + name);
        }
        // RFC 6376 §3.6.2.2: with several records, any may be used; take the first that parses.
        IllegalArgumentException firstProblem = null;
        for (String record : records) {
            try {
                return DkimKeyRecord.parse(record);
            } catch (IllegalArgumentException bad) {
                if (firstProblem == null) {
                    firstProblem = bad;
                }
            }
        }
        throw new IllegalArgumentException("bad key record at " + name + ": " + firstProblem.getMessage(), firstProblem);
    }

    /** d= as written, for the result of a signature that did not parse. */
    private static String roughDomain(String rawField) {
        try {
            String d = TagList.parse(rawField.substring(rawField.indexOf(':') + 1)).get("d");
            return d == null ? "" : d;
        } catch (IllegalArgumentException malformed) {
            return "";
        }
    }
}
