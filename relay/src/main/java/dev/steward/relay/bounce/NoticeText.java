package dev.steward.relay.bounce;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The human-readable first part of a notice, in English: what happened, to which recipients and
 * why (the remote reply), and what the sender should do. Lines end in CRLF and are wrapped at 76
 * characters where the words allow.
 *
 * <p>Thread safety: stateless.
 */
final class NoticeText {

    private static final int WIDTH = 76;

    private NoticeText() {
    }

    static String bounce(String reportingMta, ReturnedMessage message, String originalMessageId,
            Function<Instant, String> date) {
        List<String> paragraphs = new ArrayList<>();
        paragraphs.add("This is the mail system at host " + reportingMta + ".");
        paragraphs.add("Your message could not be delivered to the recipients below. The mail system has given up"
                + " on them and will not try again.");
        paragraphs.add("If you need help, forward this notice to your mail administrator.");
        return render(paragraphs, message, originalMessageId, date);
    }

    static String delay(String reportingMta, ReturnedMessage message, String originalMessageId, Instant willRetryUntil,
            Function<Instant, String> date) {
        List<String> paragraphs = new ArrayList<>();
        paragraphs.add("This is the mail system at host " + reportingMta + ".");
        paragraphs.add("THIS IS A WARNING ONLY. YOU DO NOT NEED TO SEND YOUR MESSAGE AGAIN.");
        paragraphs.add("Your message could not be delivered yet to the recipients below. The mail system keeps"
                + " trying until " + date.apply(willRetryUntil) + ", and will tell you if it has to give up.");
        return render(paragraphs, message, originalMessageId, date);
    }

    private static String render(List<String> paragraphs, ReturnedMessage message, String originalMessageId,
            Function<Instant, String> date) {
        StringBuilder out = new StringBuilder(1024);
        for (String paragraph : paragraphs) {
            lines(out, paragraph, "");
        }
        for (RecipientReport recipient : message.recipients()) {
            String who = "<" + recipient.recipient() + ">";
            if (recipient.originalRecipient() != null && !recipient.originalRecipient().equalsIgnoreCase(recipient.recipient())) {
                who += " (expanded from <" + recipient.originalRecipient() + ">)";
            }
            lines(out, who + ": " + recipient.dsn().reason(), "    ");
        }
        String about = "Your message was queued as " + message.queueId()
                + (originalMessageId == null ? "" : " with Message-ID " + originalMessageId)
                + " on " + date.apply(message.arrival()) + ". Only its headers are attached below, not its body, to"
                + " keep this notice small.";
        lines(out, about, "");
        out.setLength(out.length() - MimeText.CRLF.length()); // no empty line after the last paragraph
        return out.toString();
    }

    private static void lines(StringBuilder out, String paragraph, String indent) {
        for (String line : MimeText.wrap(paragraph, WIDTH, indent)) {
            out.append(line).append(MimeText.CRLF);
        }
        out.append(MimeText.CRLF);
    }
}
