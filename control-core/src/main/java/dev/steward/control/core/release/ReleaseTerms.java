package dev.steward.control.core.release;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an operator (or a release feed) says about a release when registering it: the version, what
 * changes, the steps customers take, the emergency-lane flags (MAINT-4) and the rollout's sizes.
 *
 * <p><b>Defaults</b> (used when a field is not given): expected duration {@link #DEFAULT_EXPECTED}
 * (10 minutes; MAINT-2 says the app is down "usually 5–10 minutes"), wave size
 * {@link #DEFAULT_WAVE_SIZE} servers at a time, failure budget {@link #DEFAULT_FAILURE_BUDGET}
 * failed servers before the rollout halts.
 *
 * <p><b>Rules.</b> Version 1..64 characters (its scheme is checked against the application when
 * registering); changelog at most 20,000 characters, each step text at most 4,000; CVE ids are
 * {@code CVE-YYYY-NNNN} with four or more digits (MITRE's syntax since 2014), upper-cased, without
 * repeats, and only on a security release; {@code immediate} only on a security release; expected
 * duration 1 s..24 h; wave size 1..10,000; failure budget 0..10,000.
 *
 * <p>Thread safety: immutable.
 *
 * @param version the release's version text
 * @param changelog what changes (customers read it in the notice)
 * @param stepsBefore what customers should do before the window, may be empty
 * @param stepsAfter what customers should check after it, may be empty
 * @param security true for a security fix: the emergency lane
 * @param cveIds the CVE ids the fix addresses (security only)
 * @param immediate true to start now instead of the next early-morning slot (security only)
 * @param expected how long one server's update takes
 * @param waveSize how many servers update at the same time
 * @param failureBudget how many servers may fail before the rollout halts
 */
public record ReleaseTerms(String version, String changelog, String stepsBefore, String stepsAfter, boolean security,
                           List<String> cveIds, boolean immediate, Duration expected, int waveSize, int failureBudget) {

    /** Default expected duration of one server's update. */
    public static final Duration DEFAULT_EXPECTED = Duration.ofMinutes(10);
    /** Default number of servers updated at the same time. */
    public static final int DEFAULT_WAVE_SIZE = 25;
    /** Default number of failed servers that halts a rollout. */
    public static final int DEFAULT_FAILURE_BUDGET = 3;

    private static final Pattern CVE = Pattern.compile("CVE-(19|20)\\d{2}-\\d{4,19}");

    /** Validates and normalises (strips texts, upper-cases CVE ids); the message names the field. */
    public ReleaseTerms {
        Objects.requireNonNull(version, "version");
        version = version.strip();
        if (version.isEmpty() || version.length() > 64) {
            throw new IllegalArgumentException("version must be 1..64 characters");
        }
        changelog = bounded("changelog", changelog, 20_000);
        stepsBefore = bounded("steps_before", stepsBefore, 4_000);
        stepsAfter = bounded("steps_after", stepsAfter, 4_000);
        cveIds = cveIds == null ? List.of() : cveIds.stream().map(id -> checkCve(id)).toList();
        if (cveIds.stream().distinct().count() != cveIds.size()) {
            throw new IllegalArgumentException("cve_ids must not repeat: " + cveIds);
        }
        if (!security && !cveIds.isEmpty()) {
            throw new IllegalArgumentException("cve_ids belong to a security release (set security)");
        }
        if (!security && immediate) {
            throw new IllegalArgumentException("immediate is only for a security release");
        }
        if (String.join(",", cveIds).length() > 1000) {
            throw new IllegalArgumentException("cve_ids are at most 1,000 characters together");
        }
        expected = expected == null ? DEFAULT_EXPECTED : expected;
        if (expected.compareTo(Duration.ofSeconds(1)) < 0 || expected.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("expected duration must be 1 s..24 h: " + expected);
        }
        if (waveSize < 1 || waveSize > 10_000) {
            throw new IllegalArgumentException("wave_size must be 1..10000: " + waveSize);
        }
        if (failureBudget < 0 || failureBudget > 10_000) {
            throw new IllegalArgumentException("failure_budget must be 0..10000: " + failureBudget);
        }
    }

    /** A plain (not security) release with the default sizes. */
    public static ReleaseTerms of(String version, String changelog, String stepsBefore, String stepsAfter) {
        return new ReleaseTerms(version, changelog, stepsBefore, stepsAfter, false, List.of(), false, DEFAULT_EXPECTED,
                DEFAULT_WAVE_SIZE, DEFAULT_FAILURE_BUDGET);
    }

    /** This release marked as a security fix. */
    public ReleaseTerms asSecurity(List<String> cves, boolean now) {
        return new ReleaseTerms(version, changelog, stepsBefore, stepsAfter, true, cves, now, expected, waveSize,
                failureBudget);
    }

    /**
     * Checks one CVE id.
     *
     * @return the id, upper-cased
     * @throws IllegalArgumentException when it is not {@code CVE-YYYY-NNNN+}
     */
    public static String checkCve(String id) {
        String normal = id == null ? "" : id.strip().toUpperCase(Locale.ROOT);
        if (!CVE.matcher(normal).matches()) {
            throw new IllegalArgumentException("not a CVE id (CVE-YYYY-NNNN, four or more digits): " + id);
        }
        return normal;
    }

    /** @return the CVE ids as stored: comma-separated */
    public String cveText() {
        return String.join(",", cveIds);
    }

    /** @return the stored comma-separated form read back */
    public static List<String> cvesOf(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.split(","));
    }

    private static String bounded(String field, String text, int max) {
        String value = text == null ? "" : text.strip();
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is at most " + max + " characters");
        }
        return value;
    }
}
