package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.version.ChangeClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a customer sees of the update pipeline (MAINT-3, UPD-3): the planned application updates of
 * the customer's servers, read from the rows the pipeline writes ({@code release_target} joined
 * with {@code app_release}, {@code window_occurrence} and {@code server}), and the secret of the
 * customer's iCal feed address ({@code customer.calendar_token_sha256}: only the token's SHA-256
 * is stored, see {@link TokenHash}).
 *
 * <p>This repository only reads the pipeline's tables; the release planner writes them.
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class MaintenanceCalendarRepository {

    /**
     * One planned application update of one customer: a release in one window, with the
     * customer's servers that get it there.
     *
     * @param releaseId the release
     * @param applicationName the application's display name
     * @param previousVersion the version before the release, may be null
     * @param version the release's version
     * @param announceAs how it is announced (MAJOR, MINOR, PATCH, PRERELEASE, NONE)
     * @param security a security fix (emergency lane)
     * @param cveIds the CVE ids of a security fix, may be empty
     * @param occurrence the window it is planned in
     * @param appHosts the customer's servers in that window, by app host, sorted
     */
    public record PlannedUpdate(long releaseId, String applicationName, String previousVersion, String version,
                                ChangeClass announceAs, boolean security, List<String> cveIds,
                                StoredOccurrence occurrence, List<String> appHosts) {
        /** Copies the lists. */
        public PlannedUpdate {
            Objects.requireNonNull(occurrence, "occurrence");
            cveIds = List.copyOf(cveIds);
            appHosts = List.copyOf(appHosts);
        }
    }

    private final Database database;

    /** @param database where the pipeline's rows live */
    public MaintenanceCalendarRepository(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * The customer's planned application updates whose window ends after {@code from} (so one in
     * progress counts) and starts before {@code to}: targets in state PLANNED or QUEUED with a
     * window, of releases that are not cancelled. One entry per release and window, by window
     * start, then release.
     */
    public List<PlannedUpdate> upcoming(long customerId, Instant from, Instant to) {
        return database.jdbi().withHandle(handle -> {
            Map<List<Long>, PlannedUpdate> byReleaseAndWindow = new LinkedHashMap<>();
            handle.createQuery("""
                            select r.id as release_id, a.name as application_name, r.previous_version, r.version, r.announce_as,
                                   r.security, r.cve_ids, s.app_host, o.*
                            from release_target t
                            join app_release r on r.id = t.release_id
                            join application a on a.id = r.application_id
                            join server s on s.id = t.server_id
                            join window_occurrence o on o.id = t.occurrence_id
                            where s.customer_id = :customerId
                              and t.state in ('PLANNED', 'QUEUED')
                              and r.state <> 'CANCELLED'
                              and o.ends_at > :from and o.starts_at < :to
                            order by o.starts_at, r.id, s.app_host
                            """)
                    .bind("customerId", customerId).bind("from", from).bind("to", to)
                    .map((rs, ctx) -> new PlannedUpdate(rs.getLong("release_id"), rs.getString("application_name"),
                            rs.getString("previous_version"), rs.getString("version"),
                            ChangeClass.valueOf(rs.getString("announce_as")), rs.getBoolean("security"),
                            cves(rs.getString("cve_ids")), WindowOccurrenceRepository.MAPPER.map(rs, ctx),
                            List.of(rs.getString("app_host"))))
                    .forEach(row -> byReleaseAndWindow.merge(List.of(row.releaseId(), row.occurrence().id()), row,
                            (known, more) -> {
                                List<String> hosts = new ArrayList<>(known.appHosts());
                                hosts.addAll(more.appHosts());
                                return new PlannedUpdate(known.releaseId(), known.applicationName(),
                                        known.previousVersion(), known.version(), known.announceAs(), known.security(),
                                        known.cveIds(), known.occurrence(), hosts);
                            }));
            return List.copyOf(byReleaseAndWindow.values());
        });
    }

    /** The stored {@code cve_ids} (comma- or space-separated) as a list. */
    static List<String> cves(String stored) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        return Arrays.stream(stored.split("[,\\s]+")).filter(id -> !id.isEmpty()).toList();
    }

    /**
     * Makes a new secret for the customer's feed address, replacing the previous one (whose address
     * stops working at once), and audits it ({@code customer.calendar_token_set}).
     *
     * @return the token, to be shown once; only its hash is kept
     * @throws UnknownEntityException if there is no such customer
     */
    public String issueToken(Actor actor, long customerId) {
        String token = TokenHash.newToken();
        database.jdbi().useTransaction(handle -> {
            Instant now = Sql.now(database);
            int updated = handle.createUpdate("""
                            update customer set calendar_token_sha256 = :hash, updated_at = :now where id = :id
                            """)
                    .bind("hash", TokenHash.sha256(token)).bind("now", now).bind("id", customerId).execute();
            if (updated == 0) {
                throw new UnknownEntityException("customer", customerId);
            }
            AuditLogRepository.append(handle, now, actor, "customer.calendar_token_set", "customer", customerId);
        });
        return token;
    }

    /** @return whether the customer has a feed address */
    public boolean hasToken(long customerId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from customer where id = :id and calendar_token_sha256 is not null
                        """)
                .bind("id", customerId).mapTo(Integer.class).one() > 0);
    }

    /** @return the customer whose feed address holds {@code token}; empty for an unknown or malformed token */
    public Optional<Long> customerOfToken(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        String hash = TokenHash.sha256(token);
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select id from customer where calendar_token_sha256 = :hash
                        """)
                .bind("hash", hash).mapTo(Long.class).findOne());
    }
}
