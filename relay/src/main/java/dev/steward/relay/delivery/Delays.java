package dev.steward.relay.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the time of a delivery went, the {@code delays=a/b/c/d} field of the delivery log
 * (Postfix {@code log_adhoc.c}). A negative span (the clock stepped back) counts as zero, as in
 * Postfix, because logging must never fail.
 *
 * <p>Thread safety: immutable.
 *
 * @param beforeQueue     from arrival until the queue manager picked the message up
 * @param inQueue         from then until the delivery agent started on it
 * @param connectionSetup DNS, connect, greeting, EHLO and TLS
 * @param transmission    from then until the outcome
 */
public record Delays(Duration beforeQueue, Duration inQueue, Duration connectionSetup, Duration transmission) {

    /** All zero. */
    public static final Delays NONE = new Delays(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Delays {
        beforeQueue = notNegative(beforeQueue, "beforeQueue");
        inQueue = notNegative(inQueue, "inQueue");
        connectionSetup = notNegative(connectionSetup, "connectionSetup");
        transmission = notNegative(transmission, "transmission");
    }

    static Duration notNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
