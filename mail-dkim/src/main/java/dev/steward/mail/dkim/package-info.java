/**
 * DKIM for outgoing mail: {@link dev.steward.mail.dkim.DkimSigner} adds an rsa-sha256 or
 * ed25519-sha256 signature, {@link dev.steward.mail.dkim.DkimVerifier} checks signatures (for
 * tests and the DNS checker), and {@link dev.steward.mail.dkim.DkimKeys} generates keys, reads and
 * writes them as PKCS#8 PEM and renders the TXT record customers publish at
 * {@code SELECTOR._domainkey.DOMAIN} (PRODUCT MAIL-4, DNS-3).
 *
 * <p><b>Role.</b> A library of pure computations on bytes and keys. It decides nothing about mail
 * flow: the relay's cleanup step chooses the key and selector and prepends the signature field;
 * the DNS checker turns verification results into findings.
 *
 * <p><b>Inputs/outputs.</b> In: message bytes with CRLF line endings (the SMTP DATA reader
 * guarantees them), or a header section plus a body stream; private keys; TXT record values
 * through {@link dev.steward.mail.dkim.KeyRecordSource}. Out: the {@code DKIM-Signature:} field text
 * (folded, CRLF-terminated) to prepend, never a re-serialised message; one sealed
 * {@link dev.steward.mail.dkim.DkimResult} per signature (Pass, Fail, PermError, TempError);
 * {@link dev.steward.mail.dkim.DkimTxtRecord} values.
 *
 * <p><b>Files/queues touched.</b> None. Key files are read and written by the caller; this package
 * only converts PEM text.
 *
 * <p><b>Strategy.</b> Header fields are kept as raw octets (one char per octet, ISO-8859-1), never
 * decoded, so simple canonicalization sees the original bytes and 8-bit or UTF-8 headers pass
 * unchanged. The body is canonicalized line by line into a SHA-256 digest
 * ({@code BodyHasher}), holding back empty lines until a non-empty one follows, so trailing empty
 * lines vanish without buffering the body. Signer and verifier build the signed header data with
 * the same code ({@code SigningInput}): the {@code h=} fields picked bottom-up, then the
 * signature field with {@code b=} emptied. The signer over-signs From and writes
 * {@code c=relaxed/relaxed} with {@code t=} from an injected clock.
 *
 * <p><b>Failure handling.</b> Verification outcomes are values: a malformed signature, unsupported
 * algorithm, missing/revoked/unusable key or expired {@code x=} is a PermError; a key lookup that
 * throws {@link dev.steward.mail.dkim.KeyRecordSource.KeyLookupException} is a TempError; a body
 * hash or signature mismatch is a Fail. Signing throws {@link IllegalArgumentException} only for
 * caller errors (no From field, bad key type or selector); key reading throws it with a sentence
 * that says what the text is instead of a PKCS#8 key.
 *
 * <p><b>Config keys.</b> None read here. The relay's {@code [dkim]} section (key file, selector,
 * signed headers) is turned into {@code DkimSigner} constructor arguments by the relay.
 *
 * <p><b>Standards.</b> RFC 6376 (§3.2 tag lists, §3.4 canonicalization, §3.5 signature tags, §3.6
 * key records, §3.7 hashing, §5.4 header selection, §6.1 verification, §8.15 over-signing) with
 * errata 3192 and 4926; RFC 8301 (no rsa-sha1, RSA keys of at least 1024 bits); RFC 8463
 * (ed25519-sha256, raw 32-octet {@code p=}); RFC 8410 and RFC 5208 / RFC 7468 (key encodings).
 *
 * <p><b>Security.</b> Signature fields, key records and messages are untrusted. Tag lists are
 * parsed strictly (duplicate tags, bad names and control characters rejected); {@code d=} must be a
 * valid domain and {@code i=} lie within it; RSA keys under 1024 bits and rsa-sha1 are refused; at
 * most {@value dev.steward.mail.dkim.DkimVerifier#MAX_SIGNATURES} signatures per message are checked.
 * {@code l=} is honoured when verifying but never produced, since it lets others append content.
 */
package dev.steward.mail.dkim;
