package dev.steward.relay.intake;

import java.net.InetSocketAddress;

/**
 * What the intake knows about the client when a message is handed on.
 *
 * @param sessionId short id of the session, as in its log lines
 * @param client    the client's address
 * @param helo      the HELO/EHLO argument as sent (untrusted; cleanup sanitises it for Received)
 * @param esmtp     whether the client said EHLO
 */
public record SessionFacts(String sessionId, InetSocketAddress client, String helo, boolean esmtp) {
}
