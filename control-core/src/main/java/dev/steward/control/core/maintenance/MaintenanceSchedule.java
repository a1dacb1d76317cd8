package dev.steward.control.core.maintenance;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The weekly maintenance schedule of a fleet or a customer: the zone whose wall clock the windows
 * follow and the OS and application windows.
 *
 * <p>The fleet default is MAINT-1/MAINT-2: {@link #DEFAULT}, Europe/Brussels, OS Monday
 * 05:00–07:00, application Monday 07:00–09:00. A customer may override any part with a
 * {@link ScheduleOverride}; {@link #with(ScheduleOverride)} gives the customer's effective schedule.
 *
 * <p>Thread safety: immutable.
 *
 * @param zone the zone of the windows' wall-clock times
 * @param os the OS-update window
 * @param app the application-update window
 */
public record MaintenanceSchedule(ZoneId zone, WeeklyWindow os, WeeklyWindow app) {

    /** The provider's zone (MAINT-1: "Belgian local time"). */
    public static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    /** MAINT-1 and MAINT-2: Monday 05:00–07:00 OS, 07:00–09:00 application, Europe/Brussels. */
    public static final MaintenanceSchedule DEFAULT = new MaintenanceSchedule(BRUSSELS,
            new WeeklyWindow(DayOfWeek.MONDAY, LocalTime.of(5, 0), LocalTime.of(7, 0)),
            new WeeklyWindow(DayOfWeek.MONDAY, LocalTime.of(7, 0), LocalTime.of(9, 0)));

    /** All parts non-null. */
    public MaintenanceSchedule {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(app, "app");
    }

    /**
     * @return the weekly window for {@code kind}
     * @throws IllegalArgumentException for {@link WindowKind#EMERGENCY}, which is not weekly
     */
    public WeeklyWindow window(WindowKind kind) {
        return switch (kind) {
            case OS -> os;
            case APP -> app;
            case EMERGENCY -> throw new IllegalArgumentException("the emergency lane has no weekly window; see EmergencyLane");
        };
    }

    /** @return this schedule in another zone, same wall-clock times */
    public MaintenanceSchedule withZone(ZoneId newZone) {
        return new MaintenanceSchedule(newZone, os, app);
    }

    /** @return this (fleet) schedule with a customer's overrides applied */
    public MaintenanceSchedule with(ScheduleOverride override) {
        return new MaintenanceSchedule(override.zone().orElse(zone), override.os().orElse(os), override.app().orElse(app));
    }
}
