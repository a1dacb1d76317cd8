package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.core.maintenance.WindowCalendar;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The maintenance settings of customers and servers: a customer's overrides of the fleet's weekly
 * windows (MAINT-1/MAINT-2 "configurable per customer") and the blackout dates of customers and
 * servers. Gives the effective {@link MaintenanceSchedule} and {@link WindowCalendar} of a server.
 *
 * <p>The fleet schedule comes from configuration (the {@code [maintenance]} section), not from the
 * database, so every instance must be configured alike; the default is
 * {@link MaintenanceSchedule#DEFAULT}.
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class MaintenanceSettingsRepository {

    private static final RowMapper<Blackout> BLACKOUT = (rs, ctx) -> new Blackout(rs.getLong("id"),
            Sql.nullableLong(rs, "customer_id"), Sql.nullableLong(rs, "server_id"),
            rs.getObject("first_day", LocalDate.class), rs.getObject("last_day", LocalDate.class),
            rs.getString("reason"), rs.getString("created_by"), Sql.instant(rs, "created_at"));

    private final Database database;
    private final MaintenanceSchedule fleet;

    /**
     * @param database where the settings live
     * @param fleet the fleet's schedule (configuration)
     */
    public MaintenanceSettingsRepository(Database database, MaintenanceSchedule fleet) {
        this.database = Objects.requireNonNull(database, "database");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** @return the fleet's schedule */
    public MaintenanceSchedule fleet() {
        return fleet;
    }

    /**
     * @return the customer's overrides
     * @throws UnknownEntityException if there is no such customer
     */
    public ScheduleOverride override(long customerId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select os_window, app_window, window_zone from customer where id = :id
                        """)
                .bind("id", customerId).map((rs, ctx) -> readOverride(rs)).findOne()
                .orElseThrow(() -> new UnknownEntityException("customer", customerId)));
    }

    /** @return the customer's effective schedule: the fleet's with the customer's overrides */
    public MaintenanceSchedule schedule(long customerId) {
        return fleet.with(override(customerId));
    }

    /** @return every customer's effective schedule, by customer id (one query, for planning the whole fleet) */
    public Map<Long, MaintenanceSchedule> allSchedules() {
        return database.jdbi().withHandle(handle -> {
            Map<Long, MaintenanceSchedule> schedules = new HashMap<>();
            handle.createQuery("select id, os_window, app_window, window_zone from customer")
                    .map((rs, ctx) -> Map.entry(rs.getLong("id"), fleet.with(readOverride(rs))))
                    .forEach(entry -> schedules.put(entry.getKey(), entry.getValue()));
            return schedules;
        });
    }

    /**
     * Replaces the customer's overrides (an empty part restores the fleet's).
     *
     * @throws UnknownEntityException if there is no such customer
     */
    public void setOverride(Actor actor, long customerId, ScheduleOverride override) {
        database.jdbi().useTransaction(handle -> {
            String os = override.os().map(WeeklyWindow::text).orElse(null);
            String app = override.app().map(WeeklyWindow::text).orElse(null);
            String zone = override.zone().map(ZoneId::getId).orElse(null);
            int updated = handle.createUpdate("""
                            update customer set os_window = :os, app_window = :app, window_zone = :zone, updated_at = :now
                            where id = :id
                            """)
                    .bind("os", os).bind("app", app).bind("zone", zone).bind("now", Sql.now(database))
                    .bind("id", customerId).execute();
            if (updated == 0) {
                throw new UnknownEntityException("customer", customerId);
            }
            AuditLogRepository.append(handle, Sql.now(database), actor, "customer.maintenance_windows_set", "customer",
                    customerId, "os_window", os, "app_window", app, "window_zone", zone);
        });
    }

    /**
     * Adds a blackout for a customer (all their servers) or for one server.
     *
     * @param customerId the customer, or null
     * @param serverId the server, or null; exactly one of the two is given
     * @throws IllegalArgumentException if both or neither are given, or {@code lastDay} is before {@code firstDay}
     */
    public Blackout addBlackout(Actor actor, Long customerId, Long serverId, LocalDate firstDay, LocalDate lastDay,
                                String reason) {
        if ((customerId == null) == (serverId == null)) {
            throw new IllegalArgumentException("a blackout is for one customer or for one server");
        }
        if (lastDay.isBefore(firstDay)) {
            throw new IllegalArgumentException("the last day " + lastDay + " is before the first day " + firstDay);
        }
        Objects.requireNonNull(reason, "reason");
        return database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into blackout (customer_id, server_id, first_day, last_day, reason, created_by, created_at)
                            values (:customerId, :serverId, :first, :last, :reason, :by, :now)
                            """)
                    .bind("customerId", customerId).bind("serverId", serverId).bind("first", firstDay)
                    .bind("last", lastDay).bind("reason", reason).bind("by", actor.toString()).bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            AuditLogRepository.append(handle, now, actor, "blackout.added", customerId != null ? "customer" : "server",
                    customerId != null ? customerId : serverId, "blackout_id", id, "first_day", firstDay.toString(),
                    "last_day", lastDay.toString(), "reason", reason);
            return new Blackout(id, customerId, serverId, firstDay, lastDay, reason, actor.toString(), now);
        });
    }

    /** Removes a blackout; false when there was none with that id. */
    public boolean removeBlackout(Actor actor, long blackoutId) {
        return database.jdbi().inTransaction(handle -> {
            Optional<Blackout> existing = handle.createQuery("select * from blackout where id = :id")
                    .bind("id", blackoutId).map(BLACKOUT).findOne();
            if (existing.isEmpty()) {
                return false;
            }
            Blackout blackout = existing.get();
            handle.createUpdate("delete from blackout where id = :id").bind("id", blackoutId).execute();
            AuditLogRepository.append(handle, Sql.now(database), actor, "blackout.removed",
                    blackout.customerId() != null ? "customer" : "server",
                    blackout.customerId() != null ? blackout.customerId() : blackout.serverId(),
                    "blackout_id", blackoutId, "first_day", blackout.firstDay().toString(),
                    "last_day", blackout.lastDay().toString());
            return true;
        });
    }

    /** @return the blackouts of a customer and of its servers that end on or after {@code from}, by first day */
    public List<Blackout> blackoutsOfCustomer(long customerId, LocalDate from) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select b.* from blackout b
                        where b.last_day >= :from
                          and (b.customer_id = :customerId
                               or b.server_id in (select id from server where customer_id = :customerId))
                        order by b.first_day, b.id
                        """)
                .bind("customerId", customerId).bind("from", from).map(BLACKOUT).list());
    }

    /** @return the server's own and its customer's blackout dates from {@code from} on */
    public BlackoutDates blackoutDates(long customerId, long serverId, LocalDate from) {
        return database.jdbi().withHandle(handle -> {
            Set<LocalDate> customer = new HashSet<>();
            Set<LocalDate> server = new HashSet<>();
            handle.createQuery("""
                            select * from blackout
                            where last_day >= :from and (customer_id = :customerId or server_id = :serverId)
                            """)
                    .bind("customerId", customerId).bind("serverId", serverId).bind("from", from).map(BLACKOUT)
                    .forEach(b -> (b.customerId() != null ? customer : server).addAll(b.dates()));
            return new BlackoutDates(customer, server);
        });
    }

    /** @return every blackout that ends on or after {@code from} (one query, for planning the whole fleet) */
    public List<Blackout> allBlackouts(LocalDate from) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from blackout where last_day >= :from order by id
                        """)
                .bind("from", from).map(BLACKOUT).list());
    }

    /** @return the server's calendar: its customer's schedule and both sets of blackout dates from {@code from} on */
    public WindowCalendar calendar(long customerId, long serverId, LocalDate from) {
        return new WindowCalendar(schedule(customerId), blackoutDates(customerId, serverId, from));
    }

    private static ScheduleOverride readOverride(ResultSet rs) throws SQLException {
        String os = rs.getString("os_window");
        String app = rs.getString("app_window");
        String zone = rs.getString("window_zone");
        return new ScheduleOverride(Optional.ofNullable(zone).map(ZoneId::of),
                Optional.ofNullable(os).map(WeeklyWindow::parse), Optional.ofNullable(app).map(WeeklyWindow::parse));
    }
}
