package dev.steward.control.store;

import dev.steward.control.core.Actor;

/**
 * The agent behind a presented credential: the one server whose jobs it may see.
 *
 * <p>Thread safety: immutable.
 *
 * @param serverId the server
 * @param serverName its name (the agent's {@link Actor} name in the audit log)
 * @param credentialId the credential's row (rotation revokes exactly that one)
 */
public record AgentIdentity(long serverId, String serverName, long credentialId) {

    /** The agent as an audit-log actor. */
    public Actor actor() {
        return Actor.agent(serverName);
    }
}
