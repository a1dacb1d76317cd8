package dev.steward.dnscheck.spf;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one {@link SpfEvaluator#checkHost} evaluation (RFC 7208 §2.6), with what a customer
 * needs to understand it.
 *
 * <p>Thread safety: immutable.
 *
 * @param code        the RFC 7208 result
 * @param explanation for {@link Code#FAIL} only: the text of the record's {@code exp=} modifier with
 *                    its macros expanded (§6.2); null when there is none, it could not be fetched, or
 *                    the result is not a fail
 * @param reason      why, in plain words: {@code "matched ip4:192.0.2.0/24"}, {@code "no term
 *                    matched; default neutral"}, {@code "more than 10 DNS-querying terms (include, a,
 *                    mx, ptr, exists, redirect)"}
 * @param dnsLookups  how many DNS-querying terms were evaluated (the count RFC 7208 §4.6.4 limits
 *                    to 10), across includes and redirects
 * @param voidLookups how many of those terms' lookups found no records (limited to 2)
 * @param record      the {@code v=spf1} record found at the domain checked, as published; null when
 *                    there was none (or DNS failed)
 */
public record SpfResult(Code code, String explanation, String reason, int dnsLookups, int voidLookups, String record) {

    /** The seven RFC 7208 §2.6 results. */
    public enum Code {
        PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR;

        /** The RFC's spelling: {@code pass}, {@code permerror}, ... */
        public String rfcName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SpfResult {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        if (explanation != null && code != Code.FAIL) {
            throw new IllegalArgumentException("only a fail carries an explanation");
        }
    }

    /** {@code pass (matched ip4:192.0.2.1)}. */
    @Override
    public String toString() {
        return code.rfcName() + " (" + reason + ")" + (explanation == null ? "" : " explanation=\"" + explanation + "\"");
    }
}
