/**
 * Message header parsing: the header section and the address lists in it.
 *
 * <p><b>Role.</b> Reads the header section of a message received by intake so that cleanup and
 * policy can look at fields (From, Sender, Message-ID, Date) without touching the body.
 *
 * <p><b>Inputs/outputs.</b> Message bytes with CRLF line endings in;
 * {@link dev.steward.mail.model.header.HeaderSection} (unfolded
 * {@link dev.steward.mail.model.header.HeaderField}s, header length, body offset, a malformed flag)
 * out. {@link dev.steward.mail.model.header.AddressListParser} turns an address field value into
 * {@link dev.steward.mail.model.EmailAddress}es or an
 * {@link dev.steward.mail.model.header.AddressParseException}.
 *
 * <p><b>Files/queues touched.</b> None; the caller holds the bytes.
 *
 * <p><b>Strategy.</b> The header section ends at the first empty line. Lines are split on CRLF,
 * continuation lines (starting with SP or HTAB) are appended to the field before them, and the
 * section is decoded as UTF-8, or as ISO-8859-1 when that fails. Address lists are tokenized
 * (comments and whitespace dropped) and parsed by recursive descent; the form of each address is
 * decided by the first {@code <}, {@code @} or {@code :} after its leading words.
 *
 * <p><b>Failure handling.</b> Header parsing never throws on content: a line that is neither a
 * field nor a continuation, a leading continuation, or a bare CR/LF/NUL marks the section
 * malformed with a reason, and the caller refuses the message. Address parsing throws a checked
 * exception with the reason and position rather than return a partial list.
 *
 * <p><b>Config keys.</b> None.
 *
 * <p><b>Standards.</b> RFC 5322 §2.1, §2.2 and §2.2.3 (header section, fields, unfolding), §3.2
 * (lexical tokens, comments, quoted strings), §3.4 (address lists, groups), §4.4 (obsolete
 * addressing, source routes); RFC 6532 (UTF-8 headers); RFC 2047 encoded words are left encoded.
 *
 * <p><b>Security.</b> All input is untrusted client data and feeds the sender policy. Only
 * addr-specs count as addresses: text in display names and comments is never returned, so a
 * display name that looks like an allowed address cannot smuggle a foreign sender past the policy.
 * Anything the parser cannot read is an error, never a guess.
 */
package dev.steward.mail.model.header;
