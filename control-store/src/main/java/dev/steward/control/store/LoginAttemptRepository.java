package dev.steward.control.store;

import java.time.Instant;
import java.util.List;

/**
 * Login attempts, counted across every control-plane instance for rate limiting.
 *
 * <p>This table is itself a log of security events and is not copied into the audit log; it is
 * pruned by {@link #deleteOlderThan}.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class LoginAttemptRepository {

    private final Database database;

    /** @param database where attempts live */
    public LoginAttemptRepository(Database database) {
        this.database = database;
    }

    /** Records one attempt, now. */
    public void record(String login, String remoteAddress, boolean succeeded) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        insert into login_attempt (login, remote_address, attempted_at, succeeded)
                        values (:login, :remote, :now, :ok)
                        """)
                .bind("login", bounded(login.strip().toLowerCase(java.util.Locale.ROOT), 320))
                .bind("remote", bounded(remoteAddress, 64))
                .bind("now", Sql.now(database)).bind("ok", succeeded).execute());
    }

    /** Failed attempts for {@code login} since {@code since}. */
    public int failuresForLogin(String login, Instant since) {
        return count("login", login.strip().toLowerCase(java.util.Locale.ROOT), since);
    }

    /** Failed attempts from {@code remoteAddress} since {@code since}. */
    public int failuresFromAddress(String remoteAddress, Instant since) {
        return count("remote_address", remoteAddress, since);
    }

    /**
     * When the failed attempts for {@code login} from {@code remoteAddress} since {@code since}
     * happened, oldest first: the rate limiter counts them and computes when the oldest one leaves
     * its window.
     *
     * @param limit at most this many, 1..1000
     */
    public List<Instant> failureTimes(String login, String remoteAddress, Instant since, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
        }
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select attempted_at from login_attempt
                        where login = :login and remote_address = :remote and attempted_at > :since and not succeeded
                        order by attempted_at limit :limit
                        """)
                .bind("login", login.strip().toLowerCase(java.util.Locale.ROOT)).bind("remote", remoteAddress)
                .bind("since", since).bind("limit", limit)
                .map((rs, ctx) -> Sql.instant(rs, "attempted_at")).list());
    }

    private int count(String column, String value, Instant since) {
        // column is one of two constants above, never input.
        return database.jdbi().withHandle(handle -> handle.createQuery("select count(*) from login_attempt where "
                        + column + " = :value and attempted_at > :since and not succeeded")
                .bind("value", value).bind("since", since).mapTo(Integer.class).one());
    }

    /** Prunes attempts older than {@code cutoff}; returns how many. */
    public int deleteOlderThan(Instant cutoff) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("delete from login_attempt where attempted_at < :cutoff")
                .bind("cutoff", cutoff).execute());
    }

    private static String bounded(String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException("value must be 1.." + max + " characters");
        }
        return value;
    }
}
