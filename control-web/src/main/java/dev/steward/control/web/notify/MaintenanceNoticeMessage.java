package dev.steward.control.web.notify;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.version.ChangeClass;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One rendered maintenance notice (MAINT-3, UPD-3): the subject, the plain-text body in the
 * customer's language with the window in the customer's zone, and the {@code maintenance.ics}
 * attachment; {@link #mime} gives the whole RFC 5322 message.
 *
 * <p>The Dutch text follows the provider's own wording for maintenance ("Gepland onderhoud en
 * updates": informal <i>je</i>, "tijdens de update is je applicatie niet bereikbaar").
 *
 * <p>The calendar event's UID is {@link #uid(long, long, String)}: the same for every notice of
 * one release to one customer and for that update in the customer's feed, so calendar programs
 * update one event.
 *
 * <p>Thread safety: immutable.
 *
 * @param subject the subject (decoded)
 * @param body the plain-text body, LF line ends
 * @param ics the calendar attachment, CRLF line ends
 */
public record MaintenanceNoticeMessage(String subject, String body, String ics) {

    /** The attachment's file name. */
    public static final String ATTACHMENT = "maintenance.ics";
    /** The PRODID of every calendar Steward writes. */
    public static final String PRODID = "-//Steward//Maintenance calendar//EN";

    public MaintenanceNoticeMessage {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ics, "ics");
    }

    /** The UID of the calendar event of {@code releaseId} for {@code customerId}. */
    public static String uid(long releaseId, long customerId, String domain) {
        return "release-" + releaseId + "-customer-" + customerId + "@" + domain;
    }

    /**
     * Renders {@code notice}.
     *
     * @param providerDomain signs the message and names the UID's domain
     * @param stamp the calendar's DTSTAMP (now)
     */
    public static MaintenanceNoticeMessage render(MaintenanceNotice notice, String providerDomain, Instant stamp) {
        Customer customer = notice.customer();
        Language language = customer.language();
        boolean nl = language == Language.NL;
        String when = MaintenanceTexts.window(notice.window().start(), notice.window().end(), customer.timeZone(),
                language);
        String day = MaintenanceTexts.date(notice.window().start().withZoneSameInstant(customer.timeZone()), language);
        String app = notice.applicationName();
        String target = notice.targetVersion();
        String subject = notice.security()
                ? (nl ? "Dringende veiligheidsupdate: " + app + " naar versie " + target + " op " + day
                      : "Urgent security update: " + app + " to version " + target + " on " + day)
                : (nl ? "Gepland onderhoud: update van " + app + " naar versie " + target + " op " + day
                      : "Planned maintenance: " + app + " will be updated to version " + target + " on " + day);
        String versions = notice.currentVersion() == null
                ? (nl ? "naar versie " + target : "to version " + target)
                : (nl ? "van versie " + notice.currentVersion() + " naar versie " + target
                      : "from version " + notice.currentVersion() + " to version " + target);
        String servers = String.join(", ", notice.appHosts());
        StringBuilder body = new StringBuilder();
        if (nl) {
            body.append("Hallo,\n\n");
            paragraph(body, notice.security()
                    ? "In " + app + " werd een kwetsbaarheid ontdekt. Die moet zo snel mogelijk gedicht worden,"
                      + " daarom hebben we een extra updatemoment ingelast."
                    : "De ontwikkelaar van " + app + " heeft een nieuwe versie uitgebracht. We hebben deze versie"
                      + " getest en installeren ze tijdens het onderhoudsvenster hieronder.");
            body.append('\n');
            body.append("Wat:       update van ").append(app).append(' ').append(versions).append('\n');
            body.append("Soort:     ").append(kind(notice.announceAs(), notice.security(), true)).append('\n');
            body.append("Wanneer:   ").append(when).append('\n');
            body.append(notice.appHosts().size() == 1 ? "Server:    " : "Servers:   ").append(servers).append('\n');
            if (!notice.cveIds().isEmpty()) {
                body.append("CVE:       ").append(String.join(", ", notice.cveIds())).append('\n');
            }
            body.append('\n');
            paragraph(body, "Tijdens de update is je applicatie niet bereikbaar. Meestal duurt dit slechts 5 tot 10"
                    + " minuten. Zo kan je je gebruikers tijdig op de hoogte brengen.");
            section(body, "Wat verandert er?", notice.changelog(), "De ontwikkelaar vermeldt geen wijzigingen.");
            section(body, "Wat moet je vooraf doen?", notice.stepsBefore(), "Je hoeft vooraf niets te doen.");
            section(body, "Wat moet je na de update doen?", notice.stepsAfter(),
                    "Na de update hoef je niets te doen. Merk je toch een probleem op, laat het ons dan weten.");
            body.append('\n');
            paragraph(body, "In de bijlage (" + ATTACHMENT + ") vind je dit onderhoud voor je agenda. Al het"
                    + " geplande onderhoud van je servers staat ook op de pagina \"Gepland onderhoud\" in Steward.");
            body.append("\nMet vriendelijke groeten,\n").append(providerDomain).append('\n');
        } else {
            body.append("Hello,\n\n");
            paragraph(body, notice.security()
                    ? "A vulnerability was found in " + app + ". It must be fixed as soon as possible, so we have"
                      + " scheduled an extra update."
                    : "The developer of " + app + " has released a new version. We have tested it and will install"
                      + " it during the maintenance window below.");
            body.append('\n');
            body.append("What:      update of ").append(app).append(' ').append(versions).append('\n');
            body.append("Kind:      ").append(kind(notice.announceAs(), notice.security(), false)).append('\n');
            body.append("When:      ").append(when).append('\n');
            body.append(notice.appHosts().size() == 1 ? "Server:    " : "Servers:   ").append(servers).append('\n');
            if (!notice.cveIds().isEmpty()) {
                body.append("CVE:       ").append(String.join(", ", notice.cveIds())).append('\n');
            }
            body.append('\n');
            paragraph(body, "Your application is not available during the update; this usually takes only 5 to 10"
                    + " minutes. You may want to let your users know in advance.");
            section(body, "What changes?", notice.changelog(), "The developer lists no changes.");
            section(body, "What to do before the update", notice.stepsBefore(), "Nothing needs to be done beforehand.");
            section(body, "What to do after the update", notice.stepsAfter(),
                    "Nothing needs to be done afterwards. If you do notice a problem, please let us know.");
            body.append('\n');
            paragraph(body, "The attachment (" + ATTACHMENT + ") puts this maintenance in your calendar. All"
                    + " planned maintenance of your servers is also on the \"Planned maintenance\" page in Steward.");
            body.append("\nKind regards,\n").append(providerDomain).append('\n');
        }
        String summary = (notice.security() ? (nl ? "Veiligheidsupdate " : "Security update of ")
                : (nl ? "Update " : "Update of ")) + app + (nl ? " naar " : " to ") + target;
        String description = (nl ? "Update van " : "Update of ") + app + " " + versions + "\n"
                + (nl ? "Servers: " : "Servers: ") + servers
                + (notice.cveIds().isEmpty() ? "" : "\nCVE: " + String.join(", ", notice.cveIds()))
                + (notice.changelog().isBlank() ? "" : "\n\n" + notice.changelog().strip());
        String ics = ICalendar.write(PRODID, null, stamp, List.of(new ICalendar.Event(
                uid(notice.releaseId(), customer.id(), providerDomain), notice.window().start().toInstant(),
                notice.window().end().toInstant(), summary, description, null)));
        return new MaintenanceNoticeMessage(subject, body.toString(), ics);
    }

    /** The kind of update in words, in lines of at most 76 characters after the 11-character label. */
    private static String kind(ChangeClass announceAs, boolean security, boolean nl) {
        String indent = "\n           ";
        String kind = switch (announceAs) {
            case MAJOR, PRERELEASE -> nl
                    ? "major update (grote wijzigingen, mogelijk niet compatibel met de" + indent
                      + "vorige versie; mogelijk zijn configuratiewijzigingen nodig)"
                    : "major update (large changes, possibly incompatible with the" + indent
                      + "previous version; configuration changes may be needed)";
            case MINOR -> nl
                    ? "minor update (nieuwe of gewijzigde functionaliteit, compatibel met" + indent
                      + "de vorige versie)"
                    : "minor update (new or changed features, compatible with the" + indent + "previous version)";
            case PATCH, NONE -> nl ? "patch update (oplossingen voor bugs)" : "patch update (bug fixes)";
        };
        return security ? (nl ? "dringende veiligheidsupdate" : "urgent security update") + indent + kind : kind;
    }

    /** Appends {@code text} as one paragraph in lines of at most 76 characters (words longer than that stay whole). */
    static void paragraph(StringBuilder body, String text) {
        int column = 0;
        for (String word : text.split(" ")) {
            if (column > 0 && column + 1 + word.length() > 76) {
                body.append('\n');
                column = 0;
            } else if (column > 0) {
                body.append(' ');
                column++;
            }
            body.append(word);
            column += word.length();
        }
        body.append('\n');
    }

    private static void section(StringBuilder body, String title, String text, String none) {
        body.append('\n').append(title).append('\n').append("-".repeat(title.length())).append('\n');
        body.append(text.isBlank() ? none : text.strip().replace("\r\n", "\n").replace('\r', '\n')).append('\n');
    }

    /**
     * The whole message: multipart/mixed with the body as quoted-printable UTF-8 text/plain and the
     * calendar as a base64 {@code text/calendar; method=PUBLISH} attachment, so every line is
     * 7-bit and short and no relay needs 8BITMIME. The subject is RFC 2047 encoded when it is not
     * ASCII.
     *
     * @param from the sender address (header and envelope)
     * @param to the recipients
     * @param date the Date header's value
     * @param messageId the Message-ID without angle brackets
     */
    public String mime(String from, List<String> to, ZonedDateTime date, String messageId) {
        String boundary = "steward-" + UUID.randomUUID();
        StringBuilder message = new StringBuilder(body.length() * 2 + ics.length() * 2);
        message.append("From: Steward <").append(from).append(">\r\n");
        message.append("To: ").append(Mime.addressList(to, 4)).append("\r\n");
        message.append(Mime.header("Subject", subject)).append("\r\n");
        message.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
        message.append("Message-ID: <").append(messageId).append(">\r\n");
        message.append("Auto-Submitted: auto-generated\r\n");
        message.append("MIME-Version: 1.0\r\n");
        message.append("Content-Type: multipart/mixed;\r\n boundary=\"").append(boundary).append("\"\r\n");
        message.append("\r\n");
        message.append("This is a MIME message: the notice and its calendar attachment.\r\n");
        message.append("--").append(boundary).append("\r\n");
        message.append("Content-Type: text/plain; charset=UTF-8\r\n");
        message.append("Content-Transfer-Encoding: quoted-printable\r\n");
        message.append("\r\n");
        message.append(Mime.quotedPrintable(body)).append("\r\n");
        message.append("--").append(boundary).append("\r\n");
        message.append("Content-Type: text/calendar; method=PUBLISH; charset=UTF-8;\r\n name=\"").append(ATTACHMENT)
                .append("\"\r\n");
        message.append("Content-Disposition: attachment; filename=\"").append(ATTACHMENT).append("\"\r\n");
        message.append("Content-Transfer-Encoding: base64\r\n");
        message.append("\r\n");
        message.append(Mime.base64(ics.getBytes(StandardCharsets.UTF_8)));
        message.append("--").append(boundary).append("--\r\n");
        return message.toString();
    }
}
