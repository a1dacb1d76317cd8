package dev.steward.relay.delivery;

/**
 * The {@code status=} of a delivery log line (Postfix's vocabulary). Tags are API.
 *
 * <p>Thread safety: immutable.
 */
public enum DeliveryStatus {
    /** Accepted by the remote server. */
    SENT("sent"),
    /** Failed temporarily; stays queued. */
    DEFERRED("deferred"),
    /** Failed permanently; the sender gets a bounce. */
    BOUNCED("bounced"),
    /** Failed temporarily once too often: the message outlived {@code max_lifetime} and is bounced. */
    EXPIRED("expired");

    private final String tag;

    DeliveryStatus(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
