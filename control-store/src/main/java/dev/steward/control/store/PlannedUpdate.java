package dev.steward.control.store;

/**
 * A release target together with what it installs: for the "next Monday" preview and a server's
 * upcoming maintenance.
 *
 * @param releaseId the release
 * @param applicationId the application
 * @param applicationName the application's name
 * @param version the target version
 * @param previousVersion the version it replaces (the catalogue's when registered), or null
 * @param announceAs how customers are told: MAJOR, MINOR, PATCH
 * @param security true for a security fix
 * @param target the server's part
 */
public record PlannedUpdate(long releaseId, long applicationId, String applicationName, String version,
                            String previousVersion, String announceAs, boolean security, ReleaseTarget target) {
}
