package dev.steward.dnscheck;

import java.util.Locale;

/**
 * How one {@link Finding} came out. {@link #UNCHECKED} is not a verdict on the customer's records:
 * it means a lookup failed temporarily (timeout, SERVFAIL, the check's deadline), so nothing can be
 * said about them yet.
 *
 * <p>Thread safety: immutable.
 */
public enum Severity {
    /** The records are as they should be. */
    OK,
    /** Worth attention, but nothing the customer must change (advice, or the provider's part). */
    WARN,
    /** The customer must change a record; the finding says which and gives the record. */
    FAIL,
    /** A lookup failed temporarily; the finding names it instead of claiming a record is missing. */
    UNCHECKED;

    /** The lowercase name used in JSON: {@code ok}, {@code warn}, {@code fail}, {@code unchecked}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
