package dev.steward.mail.dkim;

import java.util.Objects;

/**
 * The outcome of checking one DKIM-Signature field (RFC 6376 §6.1; result names of RFC 8601
 * §2.7.1: pass, fail, permerror, temperror).
 *
 * <p>Thread safety: immutable.
 */
public sealed interface DkimResult {

    /** The signing domain ({@code d=}) when it could be read, else an empty string. */
    String domain();

    /** The signature verified. */
    record Pass(DkimSignature signature) implements DkimResult {
        public Pass {
            Objects.requireNonNull(signature, "signature");
        }

        @Override
        public String domain() {
            return signature.domain().ascii();
        }
    }

    /** The signature is well-formed and the key usable, but the body hash or signature does not match. */
    record Fail(DkimSignature signature, String reason) implements DkimResult {
        public Fail {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String domain() {
            return signature.domain().ascii();
        }
    }

    /**
     * The signature cannot be checked and never will be: malformed field, unsupported algorithm,
     * no key, revoked or unusable key, expired signature.
     */
    record PermError(String domain, String reason) implements DkimResult {
        public PermError {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The key could not be fetched right now (DNS timeout, SERVFAIL); try later. */
    record TempError(String domain, String reason) implements DkimResult {
        public TempError {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
