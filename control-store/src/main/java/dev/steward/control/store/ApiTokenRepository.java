package dev.steward.control.store;

import dev.steward.control.core.Actor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * API tokens, stored as SHA-256 hashes.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction or a single statement.
 */
public final class ApiTokenRepository {

    private static final RowMapper<ApiToken> MAPPER = (rs, ctx) -> new ApiToken(rs.getLong("id"),
            rs.getLong("account_id"), rs.getString("label"), Sql.instant(rs, "created_at"),
            Sql.instant(rs, "expires_at"), Sql.instant(rs, "revoked_at"));

    private final Database database;

    /** @param database where tokens live */
    public ApiTokenRepository(Database database) {
        this.database = database;
    }

    /**
     * Stores the hash of {@code token} for {@code accountId}; the caller shows the token once.
     *
     * @param expiresAt {@code null} for a token that does not expire
     */
    public ApiToken create(Actor actor, long accountId, String label, String token, Instant expiresAt) {
        if (label == null || label.isBlank() || label.length() > 100) {
            throw new IllegalArgumentException("token label must be 1..100 characters");
        }
        String hash = TokenHash.sha256(token);
        return database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into api_token (account_id, token_sha256, label, created_at, expires_at)
                            values (:account, :hash, :label, :now, :expires)
                            """)
                    .bind("account", accountId).bind("hash", hash).bind("label", label.strip()).bind("now", now)
                    .bindByType("expires", expiresAt, Instant.class)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            AuditLogRepository.append(handle, now, actor, "api_token.created", "account", accountId,
                    "token_id", id, "label", label.strip(), "expires_at", expiresAt);
            return new ApiToken(id, accountId, label.strip(), now, expiresAt, null);
        });
    }

    /** How often {@link #authenticate} records that a token was used, at most. */
    public static final java.time.Duration LAST_USED_RESOLUTION = LastUse.RESOLUTION;

    /**
     * The enabled account a presented token belongs to, if the token is known, not revoked and not
     * expired; records when it was last used, to within {@link #LAST_USED_RESOLUTION}
     * ({@link LastUse}). Every API request comes here: usually it is one query.
     */
    public Optional<Account> authenticate(String token) {
        String hash = TokenHash.sha256(token);
        return database.jdbi().withHandle(handle -> {
            Instant now = Sql.now(database);
            long[] dueTokenId = {0}; // the token's id when its stamp is due, else 0
            Optional<Account> account = handle.createQuery("""
                            select a.*, t.id as token_id, t.last_used_at as token_last_used_at
                            from api_token t join account a on a.id = t.account_id
                            where t.token_sha256 = :hash and t.revoked_at is null
                              and (t.expires_at is null or t.expires_at > :now) and not a.disabled
                            """)
                    .bind("hash", hash).bind("now", now)
                    .map((rs, ctx) -> {
                        if (LastUse.due(Sql.instant(rs, "token_last_used_at"), now)) {
                            dueTokenId[0] = rs.getLong("token_id");
                        }
                        return AccountRepository.MAPPER.map(rs, ctx);
                    })
                    .findOne();
            if (account.isPresent() && dueTokenId[0] != 0) {
                LastUse.record(database, handle, "api_token", dueTokenId[0], now);
            }
            return account;
        });
    }

    /**
     * When the token was last used (to within {@link #LAST_USED_RESOLUTION}), if it ever was.
     *
     * @throws UnknownEntityException if there is no such token
     */
    public Optional<Instant> lastUsed(long tokenId) {
        return LastUse.read(database, "api_token", "api token", tokenId);
    }

    /**
     * Revokes a token of {@code accountId}.
     *
     * @throws UnknownEntityException if the account has no such unrevoked token
     */
    public void revoke(Actor actor, long accountId, long tokenId) {
        database.jdbi().useTransaction(handle -> {
            Instant now = Sql.now(database);
            int rows = handle.createUpdate("""
                            update api_token set revoked_at = :now
                            where id = :id and account_id = :account and revoked_at is null
                            """)
                    .bind("now", now).bind("id", tokenId).bind("account", accountId).execute();
            if (rows == 0) {
                throw new UnknownEntityException("active api token", tokenId);
            }
            AuditLogRepository.append(handle, now, actor, "api_token.revoked", "account", accountId, "token_id", tokenId);
        });
    }

    /** An account's tokens, newest first. */
    public List<ApiToken> forAccount(long accountId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from api_token where account_id = :account order by id desc
                        """)
                .bind("account", accountId).map(MAPPER).list());
    }
}
