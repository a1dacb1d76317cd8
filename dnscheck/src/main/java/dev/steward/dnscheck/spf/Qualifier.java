package dev.steward.dnscheck.spf;

/**
 * The prefix of a directive (RFC 7208 §4.6.2) and the result it gives when its mechanism matches.
 * Thread safety: immutable.
 */
public enum Qualifier {
    /** {@code +}, also when no qualifier is written. */
    PASS('+', SpfResult.Code.PASS),
    /** {@code -}. */
    FAIL('-', SpfResult.Code.FAIL),
    /** {@code ~}. */
    SOFTFAIL('~', SpfResult.Code.SOFTFAIL),
    /** {@code ?}. */
    NEUTRAL('?', SpfResult.Code.NEUTRAL);

    private final char symbol;
    private final SpfResult.Code result;

    Qualifier(char symbol, SpfResult.Code result) {
        this.symbol = symbol;
        this.result = result;
    }

    public char symbol() {
        return symbol;
    }

    /** The result check_host() returns when a directive with this qualifier matches. */
    public SpfResult.Code result() {
        return result;
    }

    static Qualifier of(char symbol) {
        for (Qualifier q : values()) {
            if (q.symbol == symbol) {
                return q;
            }
        }
        return null;
    }
}
