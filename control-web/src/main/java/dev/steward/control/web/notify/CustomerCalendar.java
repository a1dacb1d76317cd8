package dev.steward.control.web.notify;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.MaintenanceCalendarRepository;
import dev.steward.control.store.MaintenanceCalendarRepository.PlannedUpdate;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.Page;
import dev.steward.control.store.ServerQuery;
import dev.steward.control.store.ServerRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A customer's planned maintenance (MAINT-1..MAINT-4, UPD-3): what the "upcoming maintenance" page
 * lists and the customer's iCal feed ({@code GET /calendar/{token}.ics}) carries.
 *
 * <ul>
 *   <li>Application updates: the pipeline's planned and queued targets of the customer's servers
 *       ({@link MaintenanceCalendarRepository#upcoming}), one entry per release and window, whose
 *       window ends after now and starts within {@link #HORIZON}. Its UID is the notice's
 *       ({@link MaintenanceNoticeMessage#uid}), so the notice's event and the feed's are one.</li>
 *   <li>The weekly OS windows (MAINT-1) of the next {@link #OS_WEEKS} weeks, from each server's
 *       calendar (the customer's schedule and the customer's and the server's blackout dates), one
 *       entry per window with the servers it covers; none when the customer has no servers.</li>
 * </ul>
 *
 * <p>Times are the windows' real instants; {@link Entry#when} gives them in the customer's zone.
 *
 * <p>Thread safety: thread-safe (immutable; the repositories are).
 */
public final class CustomerCalendar {

    /** How many weeks of OS windows are listed. */
    public static final int OS_WEEKS = 8;
    /** How far ahead application updates are listed (the pipeline plans a few weeks ahead at most). */
    public static final Duration HORIZON = Duration.ofDays(366);

    /**
     * One planned window of one customer.
     *
     * @param uid the calendar event's stable UID
     * @param kind OS, APP or EMERGENCY
     * @param start the start
     * @param end the end
     * @param summary the title, in the customer's language
     * @param description the details, in the customer's language (may span lines)
     * @param appHosts the customer's servers concerned
     * @param update the application update, or {@code null} for an OS window
     */
    public record Entry(String uid, WindowKind kind, ZonedDateTime start, ZonedDateTime end, String summary,
                        String description, List<String> appHosts, PlannedUpdate update) {
        /** Copies the list. */
        public Entry {
            appHosts = List.copyOf(appHosts);
        }

        /** The window in {@code customer}'s zone and language, e.g. {@code maandag 7 december 2026, 07:00–09:00 (Europe/Brussels)}. */
        public String when(Customer customer) {
            return MaintenanceTexts.window(start, end, customer.timeZone(), customer.language());
        }
    }

    private final MaintenanceCalendarRepository calendar;
    private final MaintenanceSettingsRepository settings;
    private final ServerRepository servers;
    private final String providerDomain;
    private final Clock clock;

    /**
     * @param providerDomain the domain of the events' UIDs
     * @param clock "now": what is upcoming
     */
    public CustomerCalendar(MaintenanceCalendarRepository calendar, MaintenanceSettingsRepository settings,
                            ServerRepository servers, String providerDomain, Clock clock) {
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.providerDomain = Objects.requireNonNull(providerDomain, "providerDomain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The token repository and the rows behind the entries. */
    public MaintenanceCalendarRepository repository() {
        return calendar;
    }

    /** The customer's effective weekly schedule (the fleet's with the customer's overrides). */
    public MaintenanceSchedule schedule(Customer customer) {
        return settings.schedule(customer.id());
    }

    /** The customer's upcoming maintenance, by start (an OS window before an update starting at the same instant). */
    public List<Entry> upcoming(Customer customer) {
        Instant now = clock.instant();
        boolean nl = customer.language() == Language.NL;
        List<Entry> entries = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (PlannedUpdate update : calendar.upcoming(customer.id(), now, now.plus(HORIZON))) {
            WindowOccurrence window = update.occurrence().occurrence();
            String uid = MaintenanceNoticeMessage.uid(update.releaseId(), customer.id(), providerDomain);
            if (!uids.add(uid)) {
                // The same release in a second window (other servers): an event of its own.
                uid = "release-" + update.releaseId() + "-customer-" + customer.id() + "-window-"
                        + update.occurrence().id() + "@" + providerDomain;
                uids.add(uid);
            }
            String versions = update.previousVersion() == null
                    ? (nl ? "naar versie " : "to version ") + update.version()
                    : (nl ? "van versie " + update.previousVersion() + " naar versie " : "from version "
                            + update.previousVersion() + " to version ") + update.version();
            String summary = (update.security() ? (nl ? "Veiligheidsupdate " : "Security update of ")
                    : (nl ? "Update " : "Update of ")) + update.applicationName() + (nl ? " naar " : " to ")
                    + update.version();
            String description = (nl ? "Update van " : "Update of ") + update.applicationName() + " " + versions
                    + "\nServers: " + String.join(", ", update.appHosts())
                    + (update.cveIds().isEmpty() ? "" : "\nCVE: " + String.join(", ", update.cveIds()))
                    + (nl ? "\nTijdens de update is je applicatie niet bereikbaar (meestal 5 tot 10 minuten)."
                          : "\nYour application is not available during the update (usually 5 to 10 minutes).");
            entries.add(new Entry(uid, window.kind(), window.start(), window.end(), summary, description,
                    update.appHosts(), update));
        }
        entries.addAll(osWindows(customer, now, nl));
        entries.sort(Comparator.comparing((Entry entry) -> entry.start().toInstant())
                .thenComparing(entry -> entry.kind() == WindowKind.OS ? 0 : 1)
                .thenComparing(Entry::uid));
        return List.copyOf(entries);
    }

    private List<Entry> osWindows(Customer customer, Instant now, boolean nl) {
        Instant until = now.plus(Duration.ofDays(7L * OS_WEEKS));
        LocalDate today = now.atZone(customer.timeZone()).toLocalDate().minusDays(1);
        Map<Instant, WindowOccurrence> windows = new LinkedHashMap<>();
        Map<Instant, List<String>> hosts = new LinkedHashMap<>();
        for (Server server : allServers(customer.id())) {
            for (WindowOccurrence window : settings.calendar(customer.id(), server.id(), today)
                    .next(WindowKind.OS, now, OS_WEEKS + 1)) {
                if (window.start().toInstant().isBefore(until)) {
                    Instant key = window.start().toInstant();
                    windows.putIfAbsent(key, window);
                    hosts.computeIfAbsent(key, k -> new ArrayList<>()).add(server.appHost());
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        windows.forEach((start, window) -> {
            List<String> appHosts = hosts.get(start).stream().sorted().toList();
            String uid = "os-" + ICalendar.utc(start) + "-customer-" + customer.id() + "@" + providerDomain;
            String summary = nl ? "Onderhoud besturingssysteem (korte herstart mogelijk)"
                    : "Operating system updates (a short reboot is possible)";
            String description = (nl
                    ? "We installeren alle beschikbare updates van het besturingssysteem. Wanneer een update een"
                      + " herstart vereist (bijvoorbeeld een nieuwe Linux-kernel), herstart de server direct daarna:"
                      + " je applicatie is dan enkele minuten niet bereikbaar."
                    : "We install all available operating system updates. When an update needs a restart (a new"
                      + " Linux kernel, for example), the server restarts right after: your application is then"
                      + " unavailable for a few minutes.")
                    + "\nServers: " + String.join(", ", appHosts);
            entries.add(new Entry(uid, WindowKind.OS, window.start(), window.end(), summary, description, appHosts,
                    null));
        });
        return entries;
    }

    private List<Server> allServers(long customerId) {
        List<Server> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<Server> page = servers.search(new ServerQuery(customerId, null, null, null, cursor, 500));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** The customer's feed: every upcoming entry as a VEVENT (METHOD:PUBLISH, times in UTC). */
    public String ics(Customer customer) {
        List<ICalendar.Event> events = upcoming(customer).stream()
                .map(entry -> new ICalendar.Event(entry.uid(), entry.start().toInstant(), entry.end().toInstant(),
                        entry.summary(), entry.description(), null))
                .toList();
        String name = (customer.language() == Language.NL ? "Gepland onderhoud " : "Planned maintenance ")
                + customer.name();
        return ICalendar.write(MaintenanceNoticeMessage.PRODID, name, clock.instant(), events);
    }
}
