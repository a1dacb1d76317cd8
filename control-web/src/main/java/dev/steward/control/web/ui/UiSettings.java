package dev.steward.control.web.ui;

import dev.steward.dnscheck.DnsCheck;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.Resolver;
import java.time.Duration;
import java.util.Objects;

/**
 * What the web UI needs beyond the API's dependencies: the resolver the DNS status page asks, and
 * how long one live check may take.
 *
 * <p>Thread safety: immutable; the resolver is thread-safe.
 *
 * @param resolver asked by the DNS status page
 * @param dnsDeadline the bound on one page's DNS check
 */
public record UiSettings(Resolver resolver, Duration dnsDeadline) {

    /** Both are required; the deadline is positive. */
    public UiSettings {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(dnsDeadline, "dnsDeadline");
        if (dnsDeadline.isNegative() || dnsDeadline.isZero()) {
            throw new IllegalArgumentException("the DNS deadline must be positive");
        }
    }

    /** The system resolver (/etc/resolv.conf) and the DNS check's default deadline. */
    public static UiSettings defaults() {
        return new UiSettings(new DnsjavaResolver(DnsConfig.systemDefault()), DnsCheck.DEFAULT_DEADLINE);
    }
}
