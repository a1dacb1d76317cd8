package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.job.Job;
import dev.steward.control.store.AgentStatus;
import java.time.Instant;

/**
 * The JSON shapes of the agent-facing job API ({@code /api/agent/v1}) and of the operator's
 * enrolment and agent-status endpoints; {@code openapi.json} describes the same fields.
 *
 * <p>Thread safety: immutable records, stateless functions.
 */
final class AgentViews {

    private AgentViews() {
    }

    // ---- responses

    /** A new enrolment token (shown once). */
    record EnrolmentTokenView(String token, long serverId, Instant expiresAt, String enrolPath) {
    }

    /** A new agent credential (shown once), and what happened to the DKIM record notice. */
    record CredentialView(long serverId, String serverName, String credential, String dkimNotice) {
    }

    /**
     * A job as the agent sees it. {@code payload} is the job's JSON object; {@code result} the
     * accepted result (JSON), or for EXPIRED/CANCELLED the reason (a string); null while open.
     */
    record JobView(String id, String kind, String state, int attempt, Long releaseId, JsonNode payload,
                   Instant notBefore, Instant latestStart, long expectedSeconds, Instant deliveredAt,
                   Instant leaseUntil, Instant startedAt, String progress, Instant finishedAt, JsonNode result) {
        static JobView of(Job job) {
            return new JobView(job.id(), ApiViews.lower(job.kind()), ApiViews.lower(job.state()), job.attempt(),
                    job.releaseId(), json(job.payload()), job.notBefore(), job.latestStart(), job.expected().toSeconds(),
                    job.deliveredAt(), job.leaseUntil(), job.startedAt(), job.progress(), job.finishedAt(),
                    job.result() == null ? null : json(job.result()));
        }
    }

    /** The answer to a result report: the job, and whether this report only repeated the accepted one. */
    record ResultView(boolean repeated, JobView job) {
    }

    /** A server's last heartbeat. */
    record AgentStatusView(long serverId, Instant reportedAt, Instant lastSeenAt, String stewardVersion, String os,
                           String kernel, long uptimeSeconds, String installedVersion, QueueView queue,
                           long deliveredTotal, long bouncedTotal, long freeDiskBytes) {
        static AgentStatusView of(AgentStatus status) {
            var beat = status.heartbeat();
            return new AgentStatusView(status.serverId(), status.reportedAt(), status.lastSeenAt(),
                    beat.stewardVersion(), beat.os(), beat.kernel(), beat.uptimeSeconds(), beat.installedVersion(),
                    new QueueView(beat.queueActive(), beat.queueDeferred(), beat.queueHeld()), beat.deliveredTotal(),
                    beat.bouncedTotal(), beat.freeDiskBytes());
        }
    }

    /** The relay's queue counts. */
    record QueueView(int active, int deferred, int held) {
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException notJson) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    // ---- requests

    record EnrolmentTokenBody(Integer validForHours) {
    }

    record EnrolBody(String token, String dkimSelector, String dkimPublicKey) {
    }

    record QueueBody(Integer active, Integer deferred, Integer held) {
    }

    record HeartbeatBody(String stewardVersion, String os, String kernel, Long uptimeSeconds, String installedVersion,
                         QueueBody queue, Long deliveredTotal, Long bouncedTotal, Long freeDiskBytes) {
    }

    record ProgressBody(Boolean started, String message) {
    }

    record ResultBody(String status, Long durationSeconds, JsonNode health, JsonNode details) {
    }
}
