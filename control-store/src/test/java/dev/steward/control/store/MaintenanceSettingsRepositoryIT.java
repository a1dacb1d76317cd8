package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
class MaintenanceSettingsRepositoryIT {

    @TestTemplate
    void override_replacesTheFleetWindowsForThatCustomerOnly(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Customer changed = fixtures.customer();
        Customer other = fixtures.customer();
        var settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);

        settings.setOverride(OPERATOR, changed.id(), new ScheduleOverride(Optional.of(ZoneId.of("Europe/Amsterdam")),
                Optional.of(WeeklyWindow.parse("TUESDAY 04:00-06:00")), Optional.empty()));

        MaintenanceSchedule schedule = settings.schedule(changed.id());
        assertThat(schedule.zone()).isEqualTo(ZoneId.of("Europe/Amsterdam"));
        assertThat(schedule.os()).isEqualTo(WeeklyWindow.parse("TUESDAY 04:00-06:00"));
        assertThat(schedule.app()).isEqualTo(MaintenanceSchedule.DEFAULT.app());
        assertThat(settings.schedule(other.id())).isEqualTo(MaintenanceSchedule.DEFAULT);
        assertThat(settings.allSchedules()).containsEntry(changed.id(), schedule)
                .containsEntry(other.id(), MaintenanceSchedule.DEFAULT);
        assertThat(new AuditLogRepository(database).forEntity("customer", changed.id()))
                .extracting(AuditEntry::action).contains("customer.maintenance_windows_set");

        settings.setOverride(OPERATOR, changed.id(), ScheduleOverride.NONE);
        assertThat(settings.schedule(changed.id())).isEqualTo(MaintenanceSchedule.DEFAULT);
    }

    @TestTemplate
    void blackouts_ofCustomerAndServer_blockTheirDatesInTheCalendar(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Server server = fixtures.server();
        var settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
        LocalDate from = LocalDate.of(2027, 1, 1);

        settings.addBlackout(OPERATOR, server.customerId(), null, LocalDate.of(2027, 1, 4), LocalDate.of(2027, 1, 4),
                "year-end closing");
        Blackout own = settings.addBlackout(OPERATOR, null, server.id(), LocalDate.of(2027, 1, 11),
                LocalDate.of(2027, 1, 12), "migration");

        WindowCalendar calendar = settings.calendar(server.customerId(), server.id(), from);
        WindowOccurrence first = calendar.next(WindowKind.APP, Instant.parse("2027-01-01T00:00:00Z"), 1).getFirst();
        assertThat(first.start().toLocalDate()).isEqualTo(LocalDate.of(2027, 1, 18));
        assertThat(settings.blackoutsOfCustomer(server.customerId(), from)).hasSize(2);

        assertThat(settings.removeBlackout(OPERATOR, own.id())).isTrue();
        assertThat(settings.removeBlackout(OPERATOR, own.id())).isFalse();
        assertThat(settings.calendar(server.customerId(), server.id(), from)
                .next(WindowKind.APP, Instant.parse("2027-01-01T00:00:00Z"), 1).getFirst().start().toLocalDate())
                .isEqualTo(LocalDate.of(2027, 1, 11));
    }

    @TestTemplate
    void blackout_needsExactlyOneScopeAndOrderedDays(Database database) {
        var settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
        assertThatIllegalArgumentException().isThrownBy(() -> settings.addBlackout(OPERATOR, null, null,
                LocalDate.of(2027, 1, 4), LocalDate.of(2027, 1, 4), "x"));
        assertThatIllegalArgumentException().isThrownBy(() -> settings.addBlackout(OPERATOR, 1L, null,
                LocalDate.of(2027, 1, 5), LocalDate.of(2027, 1, 4), "x")).withMessageContaining("before the first day");
    }

    @TestTemplate
    void occurrence_isCreatedOnceAndShared(Database database) {
        var occurrences = new WindowOccurrenceRepository(database);
        WindowOccurrence monday = new WindowCalendar(MaintenanceSchedule.DEFAULT,
                dev.steward.control.core.maintenance.BlackoutDates.NONE)
                .next(WindowKind.OS, Instant.parse("2031-03-28T00:00:00Z"), 1).getFirst();

        long id = occurrences.idOf(monday);
        assertThat(occurrences.idOf(monday)).isEqualTo(id);
        StoredOccurrence stored = occurrences.find(id).orElseThrow();
        assertThat(stored.occurrence().start().toInstant()).isEqualTo(monday.start().toInstant());
        assertThat(stored.occurrence().start().getZone()).isEqualTo(MaintenanceSchedule.BRUSSELS);
        assertThat(stored.state()).isEqualTo("PLANNED");
        assertThat(occurrences.startingBetween(monday.start().toInstant(), monday.end().toInstant()))
                .extracting(StoredOccurrence::id).containsExactly(id);
    }
}
