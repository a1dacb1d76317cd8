package dev.steward.mail.dkim;

import dev.steward.mail.model.DomainName;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed DKIM-Signature header field value (RFC 6376 §3.5). {@link #parse(String)} checks every
 * rule whose violation makes the signature unusable (§6.1.1), so a parsed value only still needs
 * its key, body hash and signature checked.
 *
 * <p>Thread safety: immutable.
 *
 * @param algorithm {@code a=}
 * @param signature {@code b=}, base64 with whitespace removed
 * @param bodyHash {@code bh=}, base64 with whitespace removed
 * @param headerCanonicalization first half of {@code c=} (default simple)
 * @param bodyCanonicalization second half of {@code c=} (default simple)
 * @param domain {@code d=}
 * @param signedHeaders {@code h=}, names as written, in order
 * @param identity {@code i=}, default {@code @} + {@code d=}
 * @param bodyLength {@code l=}, or -1 when absent
 * @param selector {@code s=}, lowercased
 * @param timestamp {@code t=} in epoch seconds, or -1 when absent
 * @param expiration {@code x=} in epoch seconds, or -1 when absent
 */
public record DkimSignature(
        DkimAlgorithm algorithm,
        String signature,
        String bodyHash,
        Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization,
        DomainName domain,
        List<String> signedHeaders,
        String identity,
        long bodyLength,
        String selector,
        long timestamp,
        long expiration) {

    /** The header field name, as Steward writes it. */
    public static final String FIELD_NAME = "DKIM-Signature";

    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
            + "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,76}");

    public DkimSignature {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(bodyHash, "bodyHash");
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        Objects.requireNonNull(domain, "domain");
        signedHeaders = List.copyOf(signedHeaders);
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(selector, "selector");
    }

    /** Where the key record lives: {@code SELECTOR._domainkey.DOMAIN} (§3.6.2.1). */
    public String keyRecordName() {
        return selector + "._domainkey." + domain.ascii();
    }

    /**
     * Parses the value of a DKIM-Signature field (everything after the colon, folds included).
     *
     * @throws IllegalArgumentException with the reason in plain words: a missing required tag,
     *     {@code v=} other than 1, an unsupported {@code a=}, {@code c=} or {@code q=}, an
     *     {@code h=} without From, an {@code i=} outside {@code d=}, bad numbers or base64
     */
    public static DkimSignature parse(String value) {
        TagList tags = TagList.parse(value);
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.has(required)) {
                throw new IllegalArgumentException("required tag " + required + "= is missing");
            }
        }
        if (!tags.get("v").equals("1")) {
            throw new IllegalArgumentException("unsupported version v=" + tags.get("v"));
        }
        DkimAlgorithm algorithm = DkimAlgorithm.ofTagValue(tags.get("a")).orElseThrow(
                () -> new IllegalArgumentException("unsupported algorithm a=" + tags.get("a")));
        String signature = base64(tags, "b");
        String bodyHash = base64(tags, "bh");
        Canonicalization[] canonicalization = canonicalization(tags.get("c"));
        DomainName domain = domain(tags.get("d"));
        List<String> signedHeaders = new ArrayList<>();
        for (String name : tags.get("h").split(":", -1)) {
            String stripped = TagList.removeWhitespace(name);
            if (stripped.isEmpty()) {
                throw new IllegalArgumentException("h= has an empty header name");
            }
            signedHeaders.add(stripped);
        }
        if (signedHeaders.stream().noneMatch(name -> name.equalsIgnoreCase("from"))) {
            throw new IllegalArgumentException("h= does not include From (RFC 6376 §5.4)");
        }
        String identity = tags.has("i") ? tags.get("i") : "@" + domain.ascii();
        checkIdentity(identity, domain);
        String query = tags.get("q");
        if (query != null && java.util.Arrays.stream(query.split(":"))
                .noneMatch(method -> TagList.removeWhitespace(method).equalsIgnoreCase("dns/txt"))) {
            throw new IllegalArgumentException("unsupported query method q=" + query);
        }
        String selector = tags.get("s");
        if (!SELECTOR.matcher(selector).matches()) {
            throw new IllegalArgumentException("bad selector s=" + selector);
        }
        long bodyLength = number(tags, "l");
        long timestamp = number(tags, "t");
        long expiration = number(tags, "x");
        if (timestamp >= 0 && expiration >= 0 && expiration <= timestamp) {
            throw new IllegalArgumentException("x= (" + expiration + ") is not after t= (" + timestamp + ")");
        }
        return new DkimSignature(algorithm, signature, bodyHash, canonicalization[0], canonicalization[1], domain,
                signedHeaders, identity, bodyLength, selector.toLowerCase(Locale.ROOT), timestamp, expiration);
    }

    private static String base64(TagList tags, String name) {
        String value = TagList.removeWhitespace(tags.get(name));
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + "= is empty");
        }
        try {
            Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException(name + "= is not base64");
        }
        return value;
    }

    private static Canonicalization[] canonicalization(String value) {
        if (value == null) {
            return new Canonicalization[] {Canonicalization.SIMPLE, Canonicalization.SIMPLE};
        }
        String[] parts = value.split("/", -1);
        Canonicalization header = Canonicalization.ofTagValue(parts[0]);
        Canonicalization body = parts.length == 1 ? Canonicalization.SIMPLE
                : parts.length == 2 ? Canonicalization.ofTagValue(parts[1]) : null;
        if (header == null || body == null) {
            throw new IllegalArgumentException("unsupported canonicalization c=" + value);
        }
        return new Canonicalization[] {header, body};
    }

    private static DomainName domain(String value) {
        try {
            // XXX DomainName.parse also takes U-labels; RFC 6376 §3.5 wants A-labels in d=, but
            // accepting both costs nothing and the key lookup uses the A-label form.
            return DomainName.parse(value);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("bad domain d=" + value + ": " + bad.getMessage(), bad);
        }
    }

    private static void checkIdentity(String identity, DomainName domain) {
        int at = identity.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("i=" + identity + " has no @");
        }
        DomainName identityDomain;
        try {
            identityDomain = DomainName.parse(identity.substring(at + 1));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("bad domain in i=" + identity + ": " + bad.getMessage(), bad);
        }
        if (!identityDomain.isSameOrSubdomainOf(domain)) {
            throw new IllegalArgumentException("i=" + identity + " is not within d=" + domain.ascii()
                    + " (RFC 6376 §3.5)");
        }
    }

    private static long number(TagList tags, String name) {
        String value = tags.get(name);
        if (value == null) {
            return -1;
        }
        if (!DIGITS.matcher(value).matches()) {
            throw new IllegalArgumentException(name + "=" + value + " is not a decimal number");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            // §3.5: t= and x= may be up to 40 bits; l= larger than any body is harmless but we
            // cannot count that far either, so both are refused.
            throw new IllegalArgumentException(name + "=" + value + " is too large");
        }
    }

    /** The identity's domain part. */
    String identityDomain() {
        return identity.substring(identity.lastIndexOf('@') + 1);
    }
}
