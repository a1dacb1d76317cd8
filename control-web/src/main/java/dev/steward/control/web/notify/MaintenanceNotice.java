package dev.steward.control.web.notify;

import dev.steward.control.core.Customer;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.version.ChangeClass;
import java.util.List;
import java.util.Objects;

/**
 * What one customer is told about one planned application update (MAINT-3, UPD-3): rendered in the
 * customer's language and time zone by a {@link MaintenanceNoticeSender}.
 *
 * <p>Thread safety: immutable.
 *
 * @param releaseId the release (part of the calendar event's UID, so a re-sent notice updates the
 *     same event)
 * @param customer the addressee: contacts, language, time zone
 * @param applicationName the application's display name
 * @param currentVersion the version the customer's servers run now (or the catalogue's), may be null
 * @param targetVersion the version they will run
 * @param announceAs how the update is announced (MAJOR or MINOR; PRERELEASE and 0.y.z minors as MAJOR)
 * @param security true for a security fix (emergency lane)
 * @param cveIds the CVE ids of a security fix, may be empty
 * @param window the application window the update runs in
 * @param changelog what changes, in the vendor's or operator's words
 * @param stepsBefore what the customer should do before the window, may be empty
 * @param stepsAfter what the customer should check after it, may be empty
 * @param appHosts the customer's servers in this rollout, by app host (at least one)
 */
public record MaintenanceNotice(long releaseId, Customer customer, String applicationName, String currentVersion,
                                String targetVersion, ChangeClass announceAs, boolean security, List<String> cveIds,
                                WindowOccurrence window, String changelog, String stepsBefore, String stepsAfter,
                                List<String> appHosts) {

    /** Required parts non-null; lists copied. */
    public MaintenanceNotice {
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(targetVersion, "targetVersion");
        Objects.requireNonNull(announceAs, "announceAs");
        Objects.requireNonNull(window, "window");
        cveIds = List.copyOf(cveIds);
        changelog = Objects.requireNonNullElse(changelog, "");
        stepsBefore = Objects.requireNonNullElse(stepsBefore, "");
        stepsAfter = Objects.requireNonNullElse(stepsAfter, "");
        appHosts = List.copyOf(appHosts);
        if (appHosts.isEmpty()) {
            throw new IllegalArgumentException("a notice names at least one server");
        }
    }
}
