package dev.steward.control.store;

import java.time.Instant;

/**
 * A server's last heartbeat as stored: the {@code agent_status} row with the server's
 * {@code last_seen_at} (which is the heartbeat's time, or a later report of another kind).
 *
 * <p>Thread safety: immutable.
 *
 * @param serverId the server
 * @param reportedAt when the control plane received the heartbeat
 * @param lastSeenAt when the server's agent was last heard of
 * @param heartbeat what it reported (OS, kernel and installed version as on the server row)
 */
public record AgentStatus(long serverId, Instant reportedAt, Instant lastSeenAt, AgentHeartbeat heartbeat) {
}
