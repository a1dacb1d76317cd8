package dev.steward.relay.intake;

import java.time.Instant;
import java.util.List;

/**
 * A message the intake has read completely and whose envelope passed the sender policy, handed
 * to a {@link MessageSink} that must store it durably before the client gets 250.
 *
 * @param session      the client facts
 * @param sender       the envelope sender as the client wrote it (never empty: the null sender is refused)
 * @param recipients   the accepted recipients as written, in order, without duplicates
 * @param smtputf8     MAIL FROM carried SMTPUTF8 (RFC 6531)
 * @param eightBitMime MAIL FROM carried BODY=8BITMIME, or 8-bit content was seen
 * @param content      the unstuffed message bytes with CRLF line ends, valid until the sink returns
 * @param receivedAt   when the end of DATA was read
 */
public record ReceivedMessage(SessionFacts session, String sender, List<String> recipients, boolean smtputf8,
                              boolean eightBitMime, SpoolBuffer content, Instant receivedAt) {
}
