package dev.steward.control.store;

import java.time.Instant;

/**
 * A one-time enrolment token as issued: the only time the token itself exists outside the operator's
 * hands (the database keeps its SHA-256).
 *
 * <p>Thread safety: immutable.
 *
 * @param token the secret to give to the agent
 * @param serverId the server it enrols
 * @param expiresAt after this instant it is refused
 */
public record EnrolmentToken(String token, long serverId, Instant expiresAt) {

    /** Never prints the token. */
    @Override
    public String toString() {
        return "EnrolmentToken[serverId=" + serverId + ", expiresAt=" + expiresAt + "]";
    }
}
