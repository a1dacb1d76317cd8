package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.MaintenanceCalendarRepository;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.web.notify.CustomerCalendar;
import dev.steward.control.web.notify.CustomerCalendar.Entry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link CustomerCalendar} with a fixed clock: the OS windows across the March 2027 change, a
 * server's blackout, a customer's own schedule, and an update planned in two windows.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class CustomerCalendarIT {

    /** Saturday 20 March 2027; the clocks go forward on Sunday 28 March. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2027-03-20T12:00:00Z"), ZoneOffset.UTC);

    @TestTemplate
    void osWindows_followBrusselsWallClock_acrossTheChange_andSkipABlackedOutServer(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Application app = api.application();
            Server first = api.server(customer.id(), app.id());
            Server second = api.server(customer.id(), app.id());
            var settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
            settings.addBlackout(TestApi.SETUP, null, second.id(), LocalDate.of(2027, 3, 29), LocalDate.of(2027, 3, 29),
                    "migration");
            PipelineRows rows = new PipelineRows(database);
            long early = rows.window(WindowKind.APP, Instant.parse("2027-03-22T06:00:00Z"),
                    Instant.parse("2027-03-22T08:00:00Z"));
            long later = rows.window(WindowKind.APP, Instant.parse("2027-03-29T05:00:00Z"),
                    Instant.parse("2027-03-29T07:00:00Z"));
            long release = rows.release(app.id(), "2.1.0", "2.0.0", "MINOR", false, "");
            rows.target(release, first.id(), early, "PLANNED");
            rows.target(release, second.id(), later, "PLANNED");
            var calendar = new CustomerCalendar(new MaintenanceCalendarRepository(database), settings,
                    new ServerRepository(database), TestApi.DOMAIN, CLOCK);

            List<Entry> entries = calendar.upcoming(customer);

            List<Entry> os = entries.stream().filter(e -> e.kind() == WindowKind.OS).toList();
            assertThat(os).hasSize(CustomerCalendar.OS_WEEKS);
            // 05:00 Brussels: 04:00Z in winter, 03:00Z from 29 March on.
            assertThat(os.get(0).start().toInstant()).isEqualTo(Instant.parse("2027-03-22T04:00:00Z"));
            assertThat(os.get(1).start().toInstant()).isEqualTo(Instant.parse("2027-03-29T03:00:00Z"));
            assertThat(os.get(7).start().toInstant()).isEqualTo(Instant.parse("2027-05-10T03:00:00Z"));
            assertThat(os.get(0).appHosts()).containsExactlyInAnyOrder(first.appHost(), second.appHost());
            assertThat(os.get(1).appHosts()).containsExactly(first.appHost()); // the other server is blacked out
            assertThat(os).extracting(Entry::uid).doesNotHaveDuplicates();
            assertThat(os.get(1).uid()).isEqualTo("os-20270329T030000Z-customer-" + customer.id() + "@" + TestApi.DOMAIN);

            List<Entry> updates = entries.stream().filter(e -> e.update() != null).toList();
            assertThat(updates).extracting(Entry::uid).containsExactly(
                    "release-" + release + "-customer-" + customer.id() + "@" + TestApi.DOMAIN,
                    "release-" + release + "-customer-" + customer.id() + "-window-" + later + "@" + TestApi.DOMAIN);
            assertThat(updates.get(0).appHosts()).containsExactly(first.appHost());
            assertThat(updates.get(1).appHosts()).containsExactly(second.appHost());
            // By start; the OS window of a Monday before that Monday's update.
            assertThat(entries.subList(0, 4)).extracting(Entry::kind)
                    .containsExactly(WindowKind.OS, WindowKind.APP, WindowKind.OS, WindowKind.APP);
            String text = updates.get(0).when(customer);
            assertThat(text).isEqualTo(customer.language() == Language.NL
                    ? "maandag 22 maart 2027, 07:00\u201309:00 (Europe/Brussels)"
                    : "Monday 22 March 2027, 07:00\u201309:00 (Europe/Brussels)");
        }
    }

    @TestTemplate
    void aCustomersOwnSchedule_andNoServers(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            var settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
            var calendar = new CustomerCalendar(new MaintenanceCalendarRepository(database), settings,
                    new ServerRepository(database), TestApi.DOMAIN, CLOCK);
            assertThat(calendar.upcoming(customer)).isEmpty();

            api.server(customer.id(), api.application().id());
            settings.setOverride(TestApi.SETUP, customer.id(), new ScheduleOverride(
                    Optional.of(ZoneId.of("Europe/Lisbon")), Optional.of(WeeklyWindow.parse("TUESDAY 02:00-03:00")),
                    Optional.empty()));
            List<Entry> os = calendar.upcoming(customer);
            assertThat(os).hasSize(CustomerCalendar.OS_WEEKS);
            // Tuesday 23 March 02:00 Lisbon (UTC+0 in winter).
            assertThat(os.getFirst().start().toInstant()).isEqualTo(Instant.parse("2027-03-23T02:00:00Z"));
            assertThat(calendar.schedule(customer).os()).isEqualTo(WeeklyWindow.parse("TUESDAY 02:00-03:00"));
        }
    }
}
