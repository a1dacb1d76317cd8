package dev.steward.relay.delivery;

/**
 * Where a delivery attempt failed, for logs and metrics (Stalwart's {@code Error} enum). The kind
 * never decides retry versus bounce; the {@code Dsn} status class does.
 *
 * <p>Tags are API (STYLE B5.9): they appear as {@code failure=TAG} in the delivery log line.
 *
 * <p>Thread safety: immutable.
 */
public enum FailureKind {
    /** A DNS answer: no such domain, null MX, no address records, or a lookup that must be repeated. */
    DNS("dns"),
    /** TCP: connection refused, unreachable, timed out, or lost in the middle of the dialogue. */
    CONNECT("connect"),
    /** STARTTLS: not offered where required, handshake failure, certificate not trusted. */
    TLS("tls"),
    /** The remote broke the protocol (garbage, an unexpected reply code) or lacks a needed extension (SMTPUTF8, SIZE). */
    PROTOCOL("protocol"),
    /** The remote refused with a 4xx or 5xx reply. */
    REMOTE_REPLY("reply"),
    /** The remote asked us to slow down: 421 or "too many recipients" (x.5.3). */
    RATE_LIMIT("rate_limit"),
    /** Reading the queued message failed on this machine. */
    LOCAL_IO("local_io"),
    /** The mail would loop: an MX is this host, or too many Received headers. */
    LOOP("loop"),
    /** A policy of ours refused the route, such as an MX that an MTA-STS policy does not list. */
    POLICY("policy"),
    /** Nothing above: an unexpected exception, most likely our bug. Always temporary. */
    INTERNAL("internal");

    private final String tag;

    FailureKind(String tag) {
        this.tag = tag;
    }

    /** The short stable name for logs and metrics. */
    public String tag() {
        return tag;
    }
}
