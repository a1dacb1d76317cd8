package dev.steward.relay.delivery;

import dev.steward.common.text.LogLine;
import dev.steward.mail.model.Dsn;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line per recipient per delivery attempt (STYLE B7, Postfix {@code log_adhoc.c}).
 * Nothing else logs delivery outcomes. The field order is fixed and the names are API:
 *
 * <pre>
 * delivery queue_id=ID to=&lt;rcpt&gt; [orig_to=&lt;rcpt&gt;] relay=host[ip]:port|none conn_reused=true|false
 *     attempt=N delay=S delays=a/b/c/d tls=none|fallback|PROTOCOL:CIPHER:verified|unverified
 *     dsn=X.Y.Z status=sent|deferred|bounced|expired [failure=TAG] reply="..."|reason="..."
 * </pre>
 *
 * <ul>
 *   <li>{@code orig_to} only when it differs from {@code to}, ignoring case (Postfix);</li>
 *   <li>{@code relay=none} when the attempt reached no server (DNS failure);</li>
 *   <li>{@code delay} and {@code delays} in seconds: 10 and above rounded to whole seconds, below
 *       that two significant digits and at most two decimals ({@code 8.4}, {@code 0.11},
 *       {@code 0.02}, {@code 0}), as Postfix's {@code format_tv};</li>
 *   <li>{@code failure} (a {@link FailureKind} tag) only for failures;</li>
 *   <li>{@code reply} when a remote server answered (its whole reply), otherwise {@code reason}
 *       (our words: {@code connect to ...: Connection refused}).</li>
 * </ul>
 *
 * Values go through {@link LogLine}, so remote text is quoted and escaped and can never add a
 * field or split the line.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class DeliveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    private static final MathContext TWO_SIGNIFICANT_DIGITS = new MathContext(2, RoundingMode.HALF_UP);

    private DeliveryLog() {
    }

    /** Logs the line at INFO. */
    public static void attempt(LoggedAttempt attempt) {
        LOG.info(format(attempt));
    }

    /** The line without logging it (for tests and for the admin API). */
    public static String format(LoggedAttempt attempt) {
        AttemptResult result = attempt.result();
        Dsn dsn = result.dsn();
        LogLine line = LogLine.of("delivery")
                .field("queue_id", attempt.queueId())
                .address("to", attempt.recipient());
        if (attempt.originalRecipient() != null && !attempt.originalRecipient().equalsIgnoreCase(attempt.recipient())) {
            line.address("orig_to", attempt.originalRecipient());
        }
        Delays delays = attempt.delays();
        line.field("relay", result.remoteHost() == null ? "none" : result.remoteHost().toString())
                .field("conn_reused", attempt.connectionReused())
                .field("attempt", attempt.attempt())
                .field("delay", seconds(attempt.delay()))
                .field("delays", seconds(delays.beforeQueue()) + "/" + seconds(delays.inQueue()) + "/"
                        + seconds(delays.connectionSetup()) + "/" + seconds(delays.transmission()))
                .field("tls", attempt.tls().logValue())
                .field("dsn", dsn.status())
                .field("status", attempt.status().tag());
        switch (result) {
            case AttemptResult.Delivered delivered -> { }
            case AttemptResult.TempFailed temp -> line.field("failure", temp.kind().tag());
            case AttemptResult.PermFailed perm -> line.field("failure", perm.kind().tag());
        }
        if (dsn.diagnostic() != null && dsn.diagnostic().type().equals("smtp")) {
            line.field("reply", dsn.diagnostic().text());
        } else {
            line.field("reason", dsn.reason());
        }
        return line.toString();
    }

    /** Seconds the way Postfix's {@code format_tv} writes them with two significant digits. */
    static String seconds(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return "0";
        }
        if (duration.getSeconds() >= 10) {
            return Long.toString(duration.getSeconds() + (duration.getNano() >= 500_000_000 ? 1 : 0));
        }
        BigDecimal value = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9))
                .round(TWO_SIGNIFICANT_DIGITS);
        if (value.scale() > 2) {
            value = value.setScale(2, RoundingMode.HALF_UP);
        }
        return value.stripTrailingZeros().toPlainString();
    }
}
