package dev.steward.mail.dns;

import dev.steward.mail.model.DomainName;
import java.util.Objects;

/**
 * One MX record: a preference and the exchange host name (RFC 1035 §3.3.9). The exchange is a
 * normalised host name (lowercase A-labels, no trailing dot), or {@code "."} for the root, which
 * is what an RFC 7505 null MX names.
 *
 * <p>The constructor validates the exchange, because it comes from the network: a name with an
 * underscore, a space, an all-digit top label (an IP address written as a name) or an empty label
 * is refused with an {@link IllegalArgumentException} that says why.
 *
 * <p>Thread safety: immutable.
 *
 * @param preference 0 to 65535, lower is preferred
 * @param exchange   the mail exchanger's host name, or {@code "."}
 */
public record MxRecord(int preference, String exchange) {

    /** The exchange of an RFC 7505 null MX: the root. */
    public static final String ROOT = ".";

    public MxRecord {
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference " + preference + " is not in 0..65535");
        }
        Objects.requireNonNull(exchange, "exchange");
        if (!exchange.equals(ROOT)) {
            try {
                exchange = DomainName.parse(exchange).ascii();
            } catch (IllegalArgumentException notHostName) {
                throw new IllegalArgumentException(
                        "MX exchange is not a host name: " + notHostName.getMessage(), notHostName);
            }
        }
    }

    /** True when the exchange is the root: on its own, this is an RFC 7505 null MX. */
    public boolean isNullMx() {
        return exchange.equals(ROOT);
    }

    @Override
    public String toString() {
        return preference + " " + exchange;
    }
}
