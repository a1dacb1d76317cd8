package dev.steward.control.web.api;

import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.store.AccountRepository;
import dev.steward.control.store.ApiTokenRepository;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.AuditLogRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.MaintenanceCalendarRepository;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.PackageChangeRepository;
import dev.steward.control.store.ReleaseRepository;
import dev.steward.control.store.RolloutPlanRepository;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.web.auth.AccountAdmin;
import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.notify.CustomerCalendar;
import dev.steward.control.web.notify.DkimNotifier;
import dev.steward.control.web.notify.MaintenanceNoticeSender;
import dev.steward.control.web.notify.SmtpMaintenanceNoticeSender;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.control.web.pipeline.ReleasePipeline;
import java.time.Clock;
import java.time.Duration;

/**
 * What the route classes use, wired once by hand (no container): the repositories on one
 * {@link Database}, the authenticator, and the provider's facts.
 *
 * <p>Thread safety: immutable; every member is thread-safe.
 *
 * @param providerDomain the domain server names must end in
 * @param secureCookies whether the session cookie is marked Secure (public URL is https)
 * @param dkimNotifier sends the DKIM record notice when a server's key is registered (DNS-3)
 * @param maintenance customers' maintenance-window overrides and blackout dates, over the fleet's schedule
 * @param maintenanceNotices sends the maintenance notices of the update pipeline (MAINT-3, UPD-3)
 *     through the same relay and sender as the DKIM notice
 * @param customerCalendar a customer's upcoming maintenance: the maintenance page and the iCal feed
 * @param pipeline releases, their rollout plans and notices (issue 7); see {@link #withPipeline}
 */
public record ApiDependencies(Database database, Authenticator authenticator, AccountAdmin admin,
                              AccountRepository accounts, ApiTokenRepository tokens, CustomerRepository customers,
                              ApplicationRepository applications, ServerRepository servers,
                              PackageChangeRepository changes, AuditLogRepository audit, Access access,
                              String providerDomain, boolean secureCookies, DkimNotifier dkimNotifier,
                              MaintenanceSettingsRepository maintenance, MaintenanceNoticeSender maintenanceNotices,
                              CustomerCalendar customerCalendar, ReleasePipeline pipeline) {

    /**
     * Wires everything on {@code database}, without a relay for notices (they are audited as not sent).
     *
     * @param sessionLifetime how long a login session lasts
     * @param failureLimit failed logins per login and address per window
     * @param failureWindow the rate-limit window
     */
    public static ApiDependencies wire(Database database, PasswordHasher hasher, String providerDomain,
                                       boolean secureCookies, Duration sessionLifetime, int failureLimit,
                                       Duration failureWindow) {
        return wire(database, hasher, providerDomain, secureCookies, sessionLifetime, failureLimit, failureWindow,
                null, "steward@" + providerDomain);
    }

    /**
     * Wires everything on {@code database}.
     *
     * @param sessionLifetime how long a login session lasts
     * @param failureLimit failed logins per login and address per window
     * @param failureWindow the rate-limit window
     * @param smtp the relay customer notices are submitted to; {@code null} for none
     * @param sender the notices' sender address
     */
    public static ApiDependencies wire(Database database, PasswordHasher hasher, String providerDomain,
                                       boolean secureCookies, Duration sessionLifetime, int failureLimit,
                                       Duration failureWindow, SmtpSubmission smtp, String sender) {
        Authenticator authenticator = new Authenticator(database, hasher, sessionLifetime, failureLimit, failureWindow);
        CustomerRepository customers = new CustomerRepository(database);
        AuditLogRepository audit = new AuditLogRepository(database);
        ServerRepository servers = new ServerRepository(database);
        MaintenanceSettingsRepository maintenance = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
        MaintenanceNoticeSender notices = new SmtpMaintenanceNoticeSender(smtp, sender, providerDomain, Clock.systemUTC());
        return new ApiDependencies(database, authenticator, new AccountAdmin(database, hasher),
                new AccountRepository(database), new ApiTokenRepository(database), customers,
                new ApplicationRepository(database), servers,
                new PackageChangeRepository(database), audit,
                new Access(authenticator, customers), providerDomain, secureCookies,
                new DkimNotifier(smtp, sender, providerDomain, customers, audit, Clock.systemUTC()),
                maintenance, notices,
                new CustomerCalendar(new MaintenanceCalendarRepository(database), maintenance, servers, providerDomain,
                        Clock.systemUTC()),
                pipeline(database, customers, maintenance, notices, Clock.systemUTC(), ReleaseRepository.DEFAULT_SOAK));
    }

    /**
     * These dependencies over another fleet schedule (the config's {@code [maintenance]}): the
     * customers' maintenance settings, their calendar and the release pipeline's planning follow it.
     *
     * @param soak the pipeline's soak time after a green test stage
     */
    public ApiDependencies withMaintenance(MaintenanceSettingsRepository settings, Duration soak) {
        return new ApiDependencies(database, authenticator, admin, accounts, tokens, customers, applications, servers,
                changes, audit, access, providerDomain, secureCookies, dkimNotifier, settings, maintenanceNotices,
                new CustomerCalendar(customerCalendar.repository(), settings, servers, providerDomain, Clock.systemUTC()),
                pipeline(database, customers, settings, maintenanceNotices, Clock.systemUTC(), soak));
    }

    /**
     * The release pipeline on {@code database} with the fleet's default schedule
     * ({@link MaintenanceSchedule#DEFAULT}).
     *
     * @param noticeSender sends the customers' maintenance notices
     * @param clock the pipeline's clock
     * @param soak the soak time after a green test stage
     */
    public static ReleasePipeline pipeline(Database database, CustomerRepository customers,
                                           MaintenanceNoticeSender noticeSender, Clock clock, Duration soak) {
        return pipeline(database, customers, new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT),
                noticeSender, clock, soak);
    }

    /**
     * The release pipeline on {@code database}.
     *
     * @param settings the fleet's schedule with the customers' overrides and blackouts
     * @param noticeSender sends the customers' maintenance notices
     * @param clock the pipeline's clock
     * @param soak the soak time after a green test stage
     */
    public static ReleasePipeline pipeline(Database database, CustomerRepository customers,
                                           MaintenanceSettingsRepository settings, MaintenanceNoticeSender noticeSender,
                                           Clock clock, Duration soak) {
        return new ReleasePipeline(new ReleaseRepository(database), new RolloutPlanRepository(database, settings),
                new ApplicationRepository(database), customers, noticeSender, clock, soak);
    }

    /** These dependencies with another release pipeline (a real notice sender, a test clock). */
    public ApiDependencies withPipeline(ReleasePipeline replacement) {
        return new ApiDependencies(database, authenticator, admin, accounts, tokens, customers, applications, servers,
                changes, audit, access, providerDomain, secureCookies, dkimNotifier, maintenance, maintenanceNotices,
                customerCalendar, replacement);
    }
}
