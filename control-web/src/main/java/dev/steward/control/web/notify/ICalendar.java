package dev.steward.control.web.notify;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A small iCalendar writer (RFC 5545) for maintenance windows: one VCALENDAR ({@code VERSION:2.0},
 * {@code PRODID}, {@code CALSCALE:GREGORIAN}, {@code METHOD:PUBLISH}) with VEVENTs whose times are
 * UTC ({@code 20261207T060000Z}), so no VTIMEZONE is needed; calendar programs show them in the
 * reader's own zone.
 *
 * <p>Content lines end in CRLF and are folded at 75 octets (§3.1): a continuation line starts with
 * one space, which counts towards its 75, and a UTF-8 sequence is never split. TEXT values are
 * escaped (§3.3.11): backslash, semicolon and comma get a backslash, a line break becomes
 * {@code \n}; other control characters (not allowed in TEXT) are dropped.
 *
 * <p>A UID identifies an event across versions of the calendar: a notice re-sent for the same
 * release and customer, and the customer's feed, carry the same UID, so a calendar program updates
 * the event instead of adding another.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class ICalendar {

    /** The longest content line, in octets, without its CRLF (RFC 5545 §3.1). */
    public static final int MAX_LINE_OCTETS = 75;

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private ICalendar() {
    }

    /**
     * One event.
     *
     * @param uid the globally unique, stable id (e.g. {@code release-7-customer-3@hosting.example})
     * @param start the first instant (written in UTC, whole seconds)
     * @param end the end, after {@code start}
     * @param summary the one-line title
     * @param description the longer text, may be empty
     * @param sequence the revision number, or {@code null} to leave it out
     */
    public record Event(String uid, Instant start, Instant end, String summary, String description, Integer sequence) {
        /** Validates the required parts and {@code start < end}. */
        public Event {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(summary, "summary");
            description = Objects.requireNonNullElse(description, "");
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("event end " + end + " is not after its start " + start);
            }
            if (uid.isBlank() || uid.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("not a UID: " + uid);
            }
        }
    }

    /**
     * The whole calendar.
     *
     * @param prodId the PRODID value, e.g. {@code -//Steward//Maintenance//EN}
     * @param name the calendar's display name (X-WR-CALNAME, which most programs show), or null
     * @param stamp the DTSTAMP of every event: when this calendar was made
     * @param events the events, in the order given
     */
    public static String write(String prodId, String name, Instant stamp, List<Event> events) {
        StringBuilder out = new StringBuilder(256 + 512 * events.size());
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:" + prodId.replaceAll("[\\x00-\\x1f\\x7f]", ""));
        line(out, "CALSCALE:GREGORIAN");
        line(out, "METHOD:PUBLISH");
        if (name != null) {
            line(out, "X-WR-CALNAME:" + escape(name));
        }
        for (Event event : events) {
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + event.uid());
            line(out, "DTSTAMP:" + utc(stamp));
            line(out, "DTSTART:" + utc(event.start()));
            line(out, "DTEND:" + utc(event.end()));
            if (event.sequence() != null) {
                line(out, "SEQUENCE:" + event.sequence());
            }
            line(out, "SUMMARY:" + escape(event.summary()));
            if (!event.description().isEmpty()) {
                line(out, "DESCRIPTION:" + escape(event.description()));
            }
            line(out, "TRANSP:OPAQUE");
            line(out, "END:VEVENT");
        }
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** {@code instant} as a UTC DATE-TIME ({@code 20261207T060000Z}), seconds truncated. */
    public static String utc(Instant instant) {
        return UTC.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A TEXT value escaped (§3.3.11): {@code \\ \; \, \n}; CR LF, CR and LF are each one line break. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case ';' -> out.append("\\;");
                case ',' -> out.append("\\,");
                case '\r' -> {
                    out.append("\\n");
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                }
                case '\n' -> out.append("\\n");
                default -> {
                    if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * One content line, folded (§3.1): at most {@value #MAX_LINE_OCTETS} octets of UTF-8 per
     * physical line (the leading space of a continuation included), never inside a character;
     * every physical line ends in CRLF.
     */
    public static String fold(String line) {
        StringBuilder out = new StringBuilder(line.length() + 8);
        int octets = 0;
        for (int i = 0; i < line.length(); ) {
            int codePoint = line.codePointAt(i);
            int width = utf8Length(codePoint);
            if (octets + width > MAX_LINE_OCTETS) {
                out.append("\r\n ");
                octets = 1;
            }
            out.appendCodePoint(codePoint);
            octets += width;
            i += Character.charCount(codePoint);
        }
        return out.append("\r\n").toString();
    }

    private static void line(StringBuilder out, String contentLine) {
        out.append(fold(contentLine));
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        if (codePoint < 0x10000) {
            // A lone surrogate is written as '?' by the encoder: one octet would understate it; three is safe.
            return 3;
        }
        return 4;
    }
}
