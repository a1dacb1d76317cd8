package dev.steward.control.web.notify;

import dev.steward.control.core.Language;
import dev.steward.control.core.maintenance.WeeklyWindow;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * How maintenance times read for a customer, in Dutch or English and in the customer's zone: a
 * window as {@code maandag 7 december 2026, 07:00–09:00 (Europe/Brussels)} (both dates when it
 * ends on another day), a weekly window as {@code elke maandag van 05:00 tot 07:00 (Europe/Brussels)}.
 * Shared by the notices, the calendar feed and the maintenance page.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class MaintenanceTexts {

    /** Dutch as written in Belgium and the Netherlands (day and month names in lower case). */
    public static final Locale DUTCH = Locale.forLanguageTag("nl-BE");
    /** English with day-month-year order. */
    public static final Locale ENGLISH = Locale.forLanguageTag("en-GB");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private MaintenanceTexts() {
    }

    /** The locale of {@code language}. */
    public static Locale locale(Language language) {
        return language == Language.NL ? DUTCH : ENGLISH;
    }

    /** A date as {@code maandag 7 december 2026} or {@code Monday 7 December 2026}. */
    public static String date(ZonedDateTime at, Language language) {
        return DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", locale(language)).format(at);
    }

    /**
     * The window {@code [start, end)} in {@code zone}: {@code maandag 7 december 2026, 07:00–09:00
     * (Europe/Brussels)}, or with both dates when the local end falls on another day.
     */
    public static String window(ZonedDateTime start, ZonedDateTime end, ZoneId zone, Language language) {
        ZonedDateTime from = start.withZoneSameInstant(zone);
        ZonedDateTime to = end.withZoneSameInstant(zone);
        String text = from.toLocalDate().equals(to.toLocalDate())
                ? date(from, language) + ", " + TIME.format(from) + "\u2013" + TIME.format(to)
                : date(from, language) + ", " + TIME.format(from) + " \u2013 " + date(to, language) + ", " + TIME.format(to);
        return text + " (" + zone.getId() + ")";
    }

    /** A weekly window: {@code elke maandag van 05:00 tot 07:00 (Europe/Brussels)} / {@code every Monday from 05:00 to 07:00 (…)}. */
    public static String weekly(WeeklyWindow window, ZoneId zone, Language language) {
        String day = window.day().getDisplayName(TextStyle.FULL, locale(language));
        String next = window.day().plus(1).getDisplayName(TextStyle.FULL, locale(language));
        if (language == Language.NL) {
            return "elke " + day + " van " + TIME.format(window.start()) + " tot " + TIME.format(window.end())
                    + (window.crossesMidnight() ? " (" + next + ")" : "") + " (" + zone.getId() + ")";
        }
        return "every " + day + " from " + TIME.format(window.start()) + " to " + TIME.format(window.end())
                + (window.crossesMidnight() ? " (" + next + ")" : "") + " (" + zone.getId() + ")";
    }
}
