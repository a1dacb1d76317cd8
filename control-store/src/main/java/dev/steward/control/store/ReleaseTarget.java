package dev.steward.control.store;

import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.release.TargetStage;
import dev.steward.control.core.release.TargetState;
import java.time.Instant;

/**
 * One server's part in a release ({@code release_target} with its server and window).
 *
 * @param releaseId the release
 * @param serverId the server
 * @param serverName the server's name
 * @param customerId the server's customer
 * @param appHost the server's application host name (what the customer knows it by)
 * @param stage test or production
 * @param occurrenceId the window, or null (test stage)
 * @param windowKind the window's kind, or null
 * @param startsAt the window's start, or null
 * @param endsAt the window's end, or null
 * @param zone the zone of the window's schedule, or null
 * @param state where it is
 * @param jobId its job, or null
 * @param detail why it is blocked, skipped or failed, or null
 * @param updatedAt when its state last changed
 */
public record ReleaseTarget(long releaseId, long serverId, String serverName, long customerId, String appHost,
                            TargetStage stage, Long occurrenceId, WindowKind windowKind, Instant startsAt,
                            Instant endsAt, String zone, TargetState state, String jobId, String detail,
                            Instant updatedAt) {
}
