package dev.steward.dnscheck;

import dev.steward.mail.model.DomainName;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything one DNS check found, in a fixed order (server, address, SPF, DKIM, DMARC, reverse DNS),
 * and what the {@code dns check} command exits with.
 *
 * <p>Thread safety: immutable.
 *
 * @param appHost the app host checked
 * @param serverName the server name, or null when only addresses were given
 * @param ipv4 the server IPv4 address used, or null when it could not be determined
 * @param ipv6 the server IPv6 address used, or null when it could not be determined
 * @param selector the DKIM selector checked
 * @param findings every finding, in report order
 */
public record DnsReport(
        DomainName appHost,
        DomainName serverName,
        InetAddress ipv4,
        InetAddress ipv6,
        String selector,
        List<Finding> findings) {

    /** Everything passed (warnings are advice and do not count). */
    public static final int EXIT_OK = 0;
    /** The customer must change at least one record. */
    public static final int EXIT_MUST_FIX = 1;
    /** At least one lookup failed, so the check could not run completely. */
    public static final int EXIT_NOT_CHECKED = 2;

    public DnsReport {
        Objects.requireNonNull(appHost, "appHost");
        Objects.requireNonNull(selector, "selector");
        findings = List.copyOf(findings);
    }

    /**
     * The exit code: {@value #EXIT_NOT_CHECKED} when any finding is UNCHECKED (the report is
     * incomplete, and a record that could not be looked up is not reported as missing; this wins over
     * FAIL so that a script retries rather than acting on half a report), else {@value #EXIT_MUST_FIX}
     * when any finding is FAIL, else {@value #EXIT_OK}. WARN never changes the exit code.
     */
    public int exitCode() {
        if (count(Severity.UNCHECKED) > 0) {
            return EXIT_NOT_CHECKED;
        }
        return count(Severity.FAIL) > 0 ? EXIT_MUST_FIX : EXIT_OK;
    }

    /** How many findings have {@code severity}. */
    public long count(Severity severity) {
        return findings.stream().filter(finding -> finding.severity() == severity).count();
    }

    /** The findings of one check ({@link Finding#check()}), in report order. */
    public List<Finding> findings(String check) {
        return findings.stream().filter(finding -> finding.check().equals(check)).toList();
    }

    /** Every failed lookup of every finding, in report order, without repeats. */
    public List<String> failedLookups() {
        return findings.stream().flatMap(finding -> finding.failedLookups().stream()).distinct().toList();
    }
}
