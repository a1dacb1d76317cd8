package dev.steward.control.web.ui;

import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.release.Release;
import dev.steward.control.store.ReleaseTarget;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The values the release pages show, assembled by {@link ReleasePageRoutes}, and the time format
 * they use (the window's own zone, with its abbreviation, so a customer's window abroad reads right).
 *
 * <p>Thread safety: immutable records, stateless functions.
 */
public final class ReleasePageViews {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    private ReleasePageViews() {
    }

    /**
     * A release with its application's name.
     *
     * @param applicationName the catalogue name
     */
    public record ReleaseRow(Release release, String applicationName) {
    }

    /**
     * The targets in one state.
     *
     * @param state the state, lower case
     * @param targets the targets
     */
    public record TargetGroup(String state, List<ReleaseTarget> targets) {
    }

    /** @return {@code instant} in {@code zone} as {@code yyyy-MM-dd HH:mm z}; empty for null */
    public static String when(Instant instant, String zone) {
        if (instant == null) {
            return "";
        }
        return WHEN.format(instant.atZone(zone == null ? ZoneId.of("Europe/Brussels") : ZoneId.of(zone)));
    }

    /** @return {@code instant} in Europe/Brussels; empty for null */
    public static String when(Instant instant) {
        return when(instant, null);
    }

    /** @return the window's start and end (end as time only), or empty for null */
    public static String window(WindowOccurrence window) {
        if (window == null) {
            return "";
        }
        return WHEN.format(window.start()) + " – " + DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).format(window.end());
    }

    /** @return the target's window, or empty */
    public static String window(ReleaseTarget target) {
        if (target.startsAt() == null) {
            return "";
        }
        ZoneId zone = ZoneId.of(target.zone());
        return WHEN.format(target.startsAt().atZone(zone)) + " – "
                + DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).format(target.endsAt().atZone(zone));
    }

    /** @return the enum's name in lower case, for message keys */
    public static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
