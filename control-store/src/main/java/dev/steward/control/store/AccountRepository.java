package dev.steward.control.store;

import dev.steward.control.core.Actor;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Operator and customer accounts. Password hashing is the web module's job: this stores and
 * returns the hash string only.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class AccountRepository {

    static final RowMapper<Account> MAPPER = (rs, ctx) -> new Account(rs.getLong("id"), rs.getString("login"),
            Account.Role.valueOf(rs.getString("role")), Sql.nullableLong(rs, "customer_id"),
            rs.getString("password_hash"), rs.getBoolean("disabled"));

    private final Database database;

    /** @param database where accounts live */
    public AccountRepository(Database database) {
        this.database = database;
    }

    /**
     * Creates an account.
     *
     * @param customerId required for a customer account, {@code null} for an operator
     * @throws DuplicateNameException if the login is taken
     * @throws UnknownEntityException if the customer does not exist
     */
    public Account create(Actor actor, String login, Account.Role role, Long customerId, String passwordHash) {
        String normalized = normalize(login);
        if ((role == Account.Role.CUSTOMER) != (customerId != null)) {
            throw new IllegalArgumentException("a customer account needs a customer; an operator account has none");
        }
        return Sql.uniqueName("account", normalized, () -> database.jdbi().inTransaction(handle -> {
            if (customerId != null && handle.createQuery("select count(*) from customer where id = :id")
                    .bind("id", customerId.longValue()).mapTo(Integer.class).one() == 0) {
                throw new UnknownEntityException("customer", customerId);
            }
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into account (login, role, customer_id, password_hash, disabled, created_at)
                            values (:login, :role, :customerId, :hash, false, :now)
                            """)
                    .bind("login", normalized).bind("role", role.name()).bind("customerId", customerId)
                    .bind("hash", passwordHash).bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            AuditLogRepository.append(handle, now, actor, "account.created", "account", id,
                    "login", normalized, "role", role, "customer_id", customerId);
            return new Account(id, normalized, role, customerId, passwordHash, false);
        }));
    }

    /** The account with this login (any case), if any. */
    public Optional<Account> findByLogin(String login) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from account where login = :login")
                .bind("login", normalize(login)).map(MAPPER).findOne());
    }

    /** The account with {@code id}, if any. */
    public Optional<Account> find(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from account where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** Every account, operators first, then by login (the provider has hundreds, not millions). */
    public java.util.List<Account> list() {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from account order by role desc, login")
                .map(MAPPER).list());
    }

    /** Whether any operator account exists (the first one is created by the bootstrap). */
    public boolean anyOperator() {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                "select count(*) from account where role = 'OPERATOR'").mapTo(Integer.class).one() > 0);
    }

    /**
     * Replaces the password hash (the audit row says that it changed, never the hash).
     *
     * @throws UnknownEntityException if there is no such account
     */
    public void setPasswordHash(Actor actor, long accountId, String passwordHash) {
        update(actor, accountId, "update account set password_hash = :value where id = :id", passwordHash,
                "account.password_changed");
    }

    /**
     * Disables or re-enables an account.
     *
     * @throws UnknownEntityException if there is no such account
     */
    public void setDisabled(Actor actor, long accountId, boolean disabled) {
        update(actor, accountId, "update account set disabled = :value where id = :id", disabled,
                disabled ? "account.disabled" : "account.enabled");
    }

    private void update(Actor actor, long accountId, String sql, Object value, String action) {
        database.jdbi().useTransaction(handle -> {
            if (handle.createUpdate(sql).bind("value", value).bind("id", accountId).execute() == 0) {
                throw new UnknownEntityException("account", accountId);
            }
            AuditLogRepository.append(handle, Sql.now(database), actor, action, "account", accountId);
        });
    }

    private static String normalize(String login) {
        String normalized = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        if (normalized.isEmpty() || normalized.length() > 320) {
            throw new IllegalArgumentException("login must be 1..320 characters");
        }
        return normalized;
    }
}
