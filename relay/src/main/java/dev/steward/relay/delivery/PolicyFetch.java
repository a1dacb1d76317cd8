package dev.steward.relay.delivery;

import java.util.Objects;

/**
 * What fetching a domain's MTA-STS policy over HTTPS gave (RFC 8461 §3.3): the body, or why there
 * is none. Facts only; whether the body is a valid policy is for
 * {@link dev.steward.relay.policy.MtaStsPolicy#parse} to say.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface PolicyFetch {

    /** A {@code 200} response with {@code Content-Type: text/plain}; {@code body} decoded as UTF-8. */
    record Fetched(String body) implements PolicyFetch {
        public Fetched {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * No policy body: no address, connect or TLS failure (an untrusted certificate included),
     * another status than 200 (redirects are not followed), another content type, a body over the
     * limit, a timeout. {@code reason} is for the log, such as
     * {@code mta-sts.example.org[192.0.2.7]:443: HTTP 404}.
     */
    record Failed(String reason) implements PolicyFetch {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
