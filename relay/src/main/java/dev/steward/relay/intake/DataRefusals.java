package dev.steward.relay.intake;

import dev.steward.smtp.wire.DataProblem;
import dev.steward.smtp.wire.SmtpReply;

/** The reply for each way DATA content can be refused; the texts say what to fix. */
final class DataRefusals {

    private DataRefusals() {
    }

    static SmtpReply reply(DataProblem problem, SessionLimits limits) {
        return switch (problem) {
            case TOO_LARGE -> SmtpReply.of(552, "5.3.4",
                    "Message size exceeds fixed limit of " + limits.maxMessageSize() + " octets");
            case LINE_TOO_LONG -> SmtpReply.of(550, "5.6.0", "Message content rejected: a line is longer than "
                    + limits.dataLimits().maxLineLength() + " octets; wrap long lines or use quoted-printable/base64");
            case BARE_CR -> SmtpReply.of(550, "5.6.0",
                    "Message content rejected: bare <CR> in message; lines must end with <CR><LF> (RFC 5321 section 2.3.8)");
            case BARE_LF -> SmtpReply.of(550, "5.6.0",
                    "Message content rejected: bare <LF> in message; lines must end with <CR><LF> (RFC 5321 section 2.3.8)");
            case NONSTANDARD_END_OF_DATA -> SmtpReply.of(550, "5.5.2",
                    "Message content rejected: non-standard end-of-data sequence; only <CR><LF>.<CR><LF> ends DATA");
        };
    }
}
