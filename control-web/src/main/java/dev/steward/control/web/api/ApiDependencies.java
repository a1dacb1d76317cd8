package dev.steward.control.web.api;

import dev.steward.control.store.AccountRepository;
import dev.steward.control.store.ApiTokenRepository;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.AuditLogRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.PackageChangeRepository;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.web.auth.AccountAdmin;
import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.PasswordHasher;
import java.time.Duration;

/**
 * What the route classes use, wired once by hand (no container): the repositories on one
 * {@link Database}, the authenticator, and the provider's facts.
 *
 * <p>Thread safety: immutable; every member is thread-safe.
 *
 * @param providerDomain the domain server names must end in
 * @param secureCookies whether the session cookie is marked Secure (public URL is https)
 */
public record ApiDependencies(Database database, Authenticator authenticator, AccountAdmin admin,
                              AccountRepository accounts, ApiTokenRepository tokens, CustomerRepository customers,
                              ApplicationRepository applications, ServerRepository servers,
                              PackageChangeRepository changes, AuditLogRepository audit, Access access,
                              String providerDomain, boolean secureCookies) {

    /**
     * Wires everything on {@code database}.
     *
     * @param sessionLifetime how long a login session lasts
     * @param failureLimit failed logins per login and address per window
     * @param failureWindow the rate-limit window
     */
    public static ApiDependencies wire(Database database, PasswordHasher hasher, String providerDomain,
                                       boolean secureCookies, Duration sessionLifetime, int failureLimit,
                                       Duration failureWindow) {
        Authenticator authenticator = new Authenticator(database, hasher, sessionLifetime, failureLimit, failureWindow);
        CustomerRepository customers = new CustomerRepository(database);
        return new ApiDependencies(database, authenticator, new AccountAdmin(database, hasher),
                new AccountRepository(database), new ApiTokenRepository(database), customers,
                new ApplicationRepository(database), new ServerRepository(database),
                new PackageChangeRepository(database), new AuditLogRepository(database),
                new Access(authenticator, customers), providerDomain, secureCookies);
    }
}
