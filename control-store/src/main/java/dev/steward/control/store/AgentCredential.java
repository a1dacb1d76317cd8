package dev.steward.control.store;

/**
 * A new agent credential (from enrolment or rotation): shown once, only its SHA-256 is stored.
 *
 * <p>Thread safety: immutable.
 *
 * @param serverId the server it belongs to
 * @param serverName the server's name
 * @param credential the bearer token for {@code /api/agent/v1}
 * @param dkimKeyChanged true if an enrolment registered a DKIM key (or selector) the server did not
 *     have: the customer must publish the new record (the caller sends the DKIM notice)
 */
public record AgentCredential(long serverId, String serverName, String credential, boolean dkimKeyChanged) {

    /** Never prints the credential. */
    @Override
    public String toString() {
        return "AgentCredential[serverId=" + serverId + ", serverName=" + serverName + "]";
    }
}
