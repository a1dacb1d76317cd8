package dev.steward.smtp.wire.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an SMTP client waits at each stage (RFC 5321 §4.5.3.2). A stage that takes longer
 * fails with {@link ClientFailure.TimedOut}, naming the stage and the time spent.
 *
 * <p>Each limit is a deadline for the whole wait, not for each read: a server that trickles one
 * byte per minute still times out. Writes are guarded by a watchdog that closes the connection
 * when a single write blocks longer than {@link #dataBlock()} (content) or {@link #command()}
 * (commands), because blocking socket writes have no timeout of their own.
 *
 * @param connect         TCP connect; the caller connects the socket and uses this value
 * @param greeting        waiting for the 220 greeting (§4.5.3.2.1: 5 minutes)
 * @param command         waiting for the reply to EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, RSET
 *                        and QUIT (§4.5.3.2.2 and .3: 5 minutes)
 * @param dataInitiation  waiting for 354 after DATA (§4.5.3.2.4: 2 minutes)
 * @param dataBlock       one write of message content (§4.5.3.2.5: 3 minutes)
 * @param dataTermination waiting for the reply after the end-of-data line (§4.5.3.2.6: 10 minutes)
 * @param tlsHandshake    the whole TLS handshake (no RFC value; Postfix's {@code
 *                        smtp_starttls_timeout} is 300 s, we use 30 s: a handshake is a few
 *                        round trips)
 *
 * <p>Thread safety: immutable.
 */
public record ClientTimeouts(Duration connect, Duration greeting, Duration command, Duration dataInitiation,
                             Duration dataBlock, Duration dataTermination, Duration tlsHandshake) {

    /** The values RFC 5321 §4.5.3.2 recommends, with 30 s to connect and 30 s for the TLS handshake. */
    public static final ClientTimeouts RFC5321 = new ClientTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10),
            Duration.ofSeconds(30));

    public ClientTimeouts {
        positive(connect, "connect");
        positive(greeting, "greeting");
        positive(command, "command");
        positive(dataInitiation, "dataInitiation");
        positive(dataBlock, "dataBlock");
        positive(dataTermination, "dataTermination");
        positive(tlsHandshake, "tlsHandshake");
    }

    /** The same limit at every stage, for a short-lived peer such as a local smarthost, or a test. */
    public static ClientTimeouts uniform(Duration limit) {
        return new ClientTimeouts(limit, limit, limit, limit, limit, limit, limit);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
