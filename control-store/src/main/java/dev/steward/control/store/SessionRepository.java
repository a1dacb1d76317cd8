package dev.steward.control.store;

import dev.steward.control.core.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Browser sessions, in the database so that every control-plane instance recognises every
 * session. Stored by the SHA-256 of the session id.
 *
 * <p>Logins and logouts are audited; removing expired sessions is housekeeping and is not.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class SessionRepository {

    private final Database database;

    /** @param database where sessions live */
    public SessionRepository(Database database) {
        this.database = database;
    }

    /**
     * Starts a session for {@code accountId} under {@code sessionId} (from {@link TokenHash#newToken()}).
     *
     * @param lifetime how long it lasts, 1 minute..30 days
     */
    public LoginSession create(Actor actor, long accountId, String sessionId, Duration lifetime) {
        if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("session lifetime must be 1 minute..30 days, not " + lifetime);
        }
        String hash = TokenHash.sha256(sessionId);
        return database.jdbi().inTransaction(handle -> {
            Account account = handle.createQuery("select * from account where id = :id").bind("id", accountId)
                    .map(AccountRepository.MAPPER).findOne()
                    .orElseThrow(() -> new UnknownEntityException("account", accountId));
            Instant now = Sql.now(database);
            Instant expires = now.plus(lifetime);
            handle.createUpdate("""
                            insert into login_session (id_sha256, account_id, created_at, expires_at)
                            values (:hash, :account, :now, :expires)
                            """)
                    .bind("hash", hash).bind("account", accountId).bind("now", now).bind("expires", expires).execute();
            AuditLogRepository.append(handle, now, actor, "session.started", "account", accountId,
                    "expires_at", expires);
            return new LoginSession(account, now, expires);
        });
    }

    /** The live session for a presented session id: known, not expired, account not disabled. */
    public Optional<LoginSession> find(String sessionId) {
        String hash = TokenHash.sha256(sessionId);
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select a.*, s.created_at as session_created_at, s.expires_at as session_expires_at
                        from login_session s join account a on a.id = s.account_id
                        where s.id_sha256 = :hash and s.expires_at > :now and not a.disabled
                        """)
                .bind("hash", hash).bind("now", Sql.now(database))
                .map((rs, ctx) -> new LoginSession(AccountRepository.MAPPER.map(rs, ctx),
                        Sql.instant(rs, "session_created_at"), Sql.instant(rs, "session_expires_at")))
                .findOne());
    }

    /** Ends a session (logout); {@code false} if there was none. */
    public boolean delete(Actor actor, String sessionId) {
        String hash = TokenHash.sha256(sessionId);
        return database.jdbi().inTransaction(handle -> {
            Optional<Long> account = handle.createQuery("select account_id from login_session where id_sha256 = :hash")
                    .bind("hash", hash).mapTo(Long.class).findOne();
            if (account.isEmpty()
                    || handle.createUpdate("delete from login_session where id_sha256 = :hash").bind("hash", hash).execute() == 0) {
                return false;
            }
            AuditLogRepository.append(handle, Sql.now(database), actor, "session.ended", "account", account.get());
            return true;
        });
    }

    /** Removes expired sessions; returns how many. */
    public int deleteExpired() {
        return database.jdbi().withHandle(handle -> handle.createUpdate("delete from login_session where expires_at <= :now")
                .bind("now", Sql.now(database)).execute());
    }
}
