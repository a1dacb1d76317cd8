package dev.steward.relay.delivery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one delivery attempt did: a result for every recipient of the request, and the facts the
 * delivery log line needs about the connection.
 *
 * <p>Thread safety: immutable.
 *
 * @param results          per recipient, in the request's order
 * @param tls              how the (last) connection was protected
 * @param connectionReused whether a cached connection carried the message
 * @param connectionSetup  DNS, connect, greeting, EHLO and TLS
 * @param transmission     from then until the outcome
 */
public record DeliveryReport(Map<String, AttemptResult> results, TlsSummary tls, boolean connectionReused,
        Duration connectionSetup, Duration transmission) {

    public DeliveryReport {
        results = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(connectionSetup, "connectionSetup");
        Objects.requireNonNull(transmission, "transmission");
    }

    /** The same result for every recipient: a failure before any recipient was named. */
    public static DeliveryReport all(Iterable<String> recipients, AttemptResult result, TlsSummary tls,
            Duration connectionSetup) {
        Map<String, AttemptResult> results = new LinkedHashMap<>();
        for (String recipient : recipients) {
            results.put(recipient, result);
        }
        return new DeliveryReport(results, tls, false, connectionSetup, Duration.ZERO);
    }
}
