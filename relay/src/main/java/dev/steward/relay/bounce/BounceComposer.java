package dev.steward.relay.bounce;

import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.header.HeaderField;
import dev.steward.mail.model.header.HeaderSection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the notices the relay sends back to a message's sender (Postfix {@code bounce}): the
 * non-delivery report when recipients failed for good or the message expired, and the delay
 * warning while it is still being retried. Both are RFC 3464 {@code multipart/report;
 * report-type=delivery-status} messages with three parts: a text for people, the
 * {@code message/delivery-status} fields for programs, and the original message's header section
 * as {@code text/rfc822-headers} (the body is left out, to keep notices small; the text says so).
 *
 * <p>The notice comes from {@code MAILER-DAEMON@<app domain>} ("Mail Delivery System"), carries
 * {@code Auto-Submitted: auto-replied} (RFC 3834 §5) and is to be sent with the null reverse path
 * {@code <>} (RFC 5321 §4.5.5, {@link BounceOutcome.Send#envelopeSender()}), so a notice about a
 * notice never happens: a message from {@code <>} or {@code MAILER-DAEMON}, or one that is itself
 * a delivery status report, gets {@link BounceOutcome.Drop} instead.
 *
 * <p>Output is CRLF-terminated, every line at most 998 octets, and 7-bit: the text part and the
 * original headers are quoted-printable when they hold 8-bit data or overlong lines. XXX: a sender
 * address with UTF-8 is written as is in {@code To:}, so such a notice needs SMTPUTF8 to travel;
 * the message it answers needed it too.
 *
 * <p>Deterministic for a given clock: Date, Message-ID ({@code <QUEUEID.bounce.MILLIS36@host>}) and
 * the MIME boundary derive from the queue id and the clock, so golden tests pin whole notices.
 *
 * <p>Builds bytes only: no I/O, no logging. Thread safety: immutable, thread-safe.
 */
public final class BounceComposer {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH);

    private static final Pattern MESSAGE_ID = Pattern.compile("<[\\x21-\\x3b\\x3d\\x3f-\\x7e]{1,250}>");

    private final String reportingMta;
    private final DomainName mailerDaemonDomain;
    private final Clock clock;

    /**
     * @param reportingMta       this relay's host name ({@code [server] hostname}): Reporting-MTA,
     *                           Message-ID domain, the first line of the text
     * @param mailerDaemonDomain the app domain the notice comes from, so it passes the app
     *                           domain's SPF and DKIM like the app's own mail
     * @param clock              for Date, Message-ID and boundary
     */
    public BounceComposer(String reportingMta, DomainName mailerDaemonDomain, Clock clock) {
        this.reportingMta = MimeText.ascii(Objects.requireNonNull(reportingMta, "reportingMta"));
        this.mailerDaemonDomain = Objects.requireNonNull(mailerDaemonDomain, "mailerDaemonDomain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The non-delivery report for recipients given up on.
     *
     * @throws IllegalArgumentException when a recipient's DSN action is not {@code failed}
     */
    public BounceOutcome bounce(ReturnedMessage message) {
        requireAction(message, Dsn.Action.FAILED);
        return compose(message, null);
    }

    /**
     * The delay warning for recipients still being retried.
     *
     * @param willRetryUntil when the relay gives up (the message's expiry)
     * @throws IllegalArgumentException when a recipient's DSN action is not {@code delayed}
     */
    public BounceOutcome delayWarning(ReturnedMessage message, Instant willRetryUntil) {
        Objects.requireNonNull(willRetryUntil, "willRetryUntil");
        requireAction(message, Dsn.Action.DELAYED);
        return compose(message, willRetryUntil);
    }

    private BounceOutcome compose(ReturnedMessage message, Instant willRetryUntil) {
        HeaderSection headers = HeaderSection.parse(message.content(), message.content().length);
        String dropReason = dropReason(message, headers);
        if (dropReason != null) {
            return new BounceOutcome.Drop(dropReason);
        }
        boolean delay = willRetryUntil != null;
        Instant now = clock.instant();
        String originalMessageId = originalMessageId(headers);
        String text = delay
                ? NoticeText.delay(reportingMta, message, originalMessageId, willRetryUntil, this::date)
                : NoticeText.bounce(reportingMta, message, originalMessageId, this::date);
        byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
        boolean textQp = !MimeText.is7bit(textBytes);
        byte[] fields = DeliveryStatusFields.render(reportingMta, message, willRetryUntil, this::date)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] originalHeaders = headerBytes(message.content(), headers.headerLength());
        boolean headersQp = !MimeText.is7bit(originalHeaders);
        if (textQp) {
            textBytes = MimeText.quotedPrintable(textBytes);
        }
        if (headersQp) {
            originalHeaders = MimeText.quotedPrintable(originalHeaders);
        }
        String boundary = boundary(message.queueId(), now, textBytes, fields, originalHeaders);
        String messageId = "<" + MimeText.ascii(message.queueId()) + (delay ? ".delay." : ".bounce.")
                + Long.toString(now.toEpochMilli(), 36) + "@" + reportingMta + ">";

        ByteArrayOutputStream out = new ByteArrayOutputStream(2048 + originalHeaders.length);
        write(out, MimeText.field("Date", date(now)));
        write(out, MimeText.field("From", "MAILER-DAEMON@" + mailerDaemonDomain.ascii() + " (Mail Delivery System)"));
        write(out, MimeText.field("To", "<" + message.sender() + ">"));
        write(out, MimeText.field("Subject", delay ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender"));
        write(out, MimeText.field("Message-ID", messageId));
        write(out, MimeText.field("Auto-Submitted", "auto-replied"));
        write(out, MimeText.field("MIME-Version", "1.0"));
        write(out, "Content-Type: multipart/report; report-type=delivery-status;" + MimeText.CRLF
                + "\tboundary=\"" + boundary + "\"" + MimeText.CRLF);
        write(out, MimeText.CRLF + "This is a MIME-encapsulated message." + MimeText.CRLF);

        part(out, boundary, "Notification", "text/plain; charset=utf-8", textQp, textBytes);
        part(out, boundary, "Delivery report", "message/delivery-status", false, fields);
        // 8-bit header text is UTF-8 (RFC 6532); say so, or readers decode it as ASCII.
        part(out, boundary, "Undelivered Message Headers",
                headersQp ? "text/rfc822-headers; charset=utf-8" : "text/rfc822-headers", headersQp, originalHeaders);
        write(out, MimeText.CRLF + "--" + boundary + "--" + MimeText.CRLF);
        return new BounceOutcome.Send(message.sender(), messageId, out.toByteArray());
    }

    /** Why no notice may be sent about this message, or null when one may. */
    static String dropReason(ReturnedMessage message, HeaderSection headers) {
        if (message.sender().isEmpty()) {
            return "the message has the null sender <>: no notice is ever sent about a notice";
        }
        if (message.sender().chars().anyMatch(c -> c < ' ' || c == 0x7f || c == '<' || c == '>')) {
            // Intake never queues such a sender; a damaged queue file might. It must not reach To:.
            return "the envelope sender is not a valid address (control characters or angle brackets)";
        }
        int at = message.sender().lastIndexOf('@');
        String localPart = at < 0 ? message.sender() : message.sender().substring(0, at);
        if (localPart.equalsIgnoreCase("MAILER-DAEMON")) {
            return "the message is from MAILER-DAEMON: no notice is ever sent about a notice";
        }
        for (HeaderField contentType : headers.all("Content-Type")) {
            String value = contentType.value().toLowerCase(Locale.ROOT).replaceAll("[\\s\"]", "");
            if (value.startsWith("multipart/report") && value.contains("report-type=delivery-status")
                    || value.contains("report-type=global-delivery-status")) {
                return "the message is itself a delivery status notification: no notice is ever sent about a notice";
            }
        }
        return null;
    }

    private static void requireAction(ReturnedMessage message, Dsn.Action action) {
        for (RecipientReport recipient : message.recipients()) {
            if (recipient.dsn().action() != action) {
                throw new IllegalArgumentException("recipient " + recipient.recipient() + " has action "
                        + recipient.dsn().action().keyword() + ", this notice reports " + action.keyword());
            }
        }
    }

    private static String originalMessageId(HeaderSection headers) {
        for (HeaderField field : headers.all("Message-ID")) {
            String value = field.value().strip();
            if (MESSAGE_ID.matcher(value).matches()) {
                return value;
            }
        }
        return null;
    }

    /** The header section with CRLF after its last line, as the third part's content. */
    private static byte[] headerBytes(byte[] content, int headerLength) {
        boolean endsWithCrLf = headerLength >= 2 && content[headerLength - 2] == '\r' && content[headerLength - 1] == '\n';
        ByteArrayOutputStream out = new ByteArrayOutputStream(headerLength + 2);
        out.write(content, 0, headerLength);
        if (!endsWithCrLf) {
            out.writeBytes(MimeText.CRLF.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** {@code QUEUEID.EPOCH/host}, lengthened until no part contains it (RFC 2046 §5.1.1). */
    private String boundary(String queueId, Instant now, byte[]... parts) {
        String base = MimeText.ascii(queueId).replaceAll("[^0-9A-Za-z'()+_,./:=?-]", "_") + "." + now.getEpochSecond()
                + "/" + reportingMta;
        String boundary = base.length() > 60 ? base.substring(0, 60) : base;
        for (int suffix = 1; containedIn(boundary, parts); suffix++) {
            boundary = (base.length() > 55 ? base.substring(0, 55) : base) + "=" + suffix;
        }
        return boundary;
    }

    private static boolean containedIn(String boundary, byte[]... parts) {
        String delimiter = "--" + boundary;
        for (byte[] part : parts) {
            if (new String(part, StandardCharsets.ISO_8859_1).contains(delimiter)) {
                return true;
            }
        }
        return false;
    }

    private static void part(ByteArrayOutputStream out, String boundary, String description, String contentType,
            boolean quotedPrintable, byte[] content) {
        write(out, MimeText.CRLF + "--" + boundary + MimeText.CRLF);
        write(out, "Content-Description: " + description + MimeText.CRLF);
        write(out, "Content-Type: " + contentType + MimeText.CRLF);
        if (quotedPrintable) {
            write(out, "Content-Transfer-Encoding: quoted-printable" + MimeText.CRLF);
        }
        write(out, MimeText.CRLF);
        out.writeBytes(content);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private String date(Instant instant) {
        return RFC5322_DATE.format(instant.atZone(clock.getZone()));
    }
}
