package dev.steward.control.web.auth;

import dev.steward.control.core.Actor;
import dev.steward.control.store.Account;
import dev.steward.control.store.AccountRepository;
import dev.steward.control.store.ApiToken;
import dev.steward.control.store.ApiTokenRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.TokenHash;
import java.time.Instant;
import java.util.Optional;

/**
 * Creating accounts and API tokens: hashes passwords before they reach the store and makes tokens
 * that are shown once. Also the operator bootstrap.
 *
 * <p><b>Bootstrap.</b> {@link #bootstrapOperator} creates the first operator account when no
 * operator exists yet, and does nothing otherwise; tests and the all-in-one mode ({@code make run})
 * call it with a login and a password from their own configuration. It is not reachable over HTTP.
 *
 * <p>Thread safety: thread-safe; no state of its own.
 */
public final class AccountAdmin {

    private static final Actor BOOTSTRAP = Actor.system("bootstrap");

    private final AccountRepository accounts;
    private final ApiTokenRepository tokens;
    private final PasswordHasher hasher;

    /** @param hasher hashes the passwords of new accounts */
    public AccountAdmin(Database database, PasswordHasher hasher) {
        this.accounts = new AccountRepository(database);
        this.tokens = new ApiTokenRepository(database);
        this.hasher = hasher;
    }

    /**
     * Creates an account with a password.
     *
     * @param customerId the customer of a customer account; {@code null} for an operator
     * @throws IllegalArgumentException if the password is too short or too long
     * @throws dev.steward.control.store.DuplicateNameException if the login is taken
     */
    public Account create(Actor actor, String login, Account.Role role, Long customerId, String password) {
        PasswordHasher.checkPassword(password);
        return accounts.create(actor, login, role, customerId, hasher.hash(password));
    }

    /**
     * Creates the first operator if there is no operator yet.
     *
     * @return the new account, or empty if an operator already existed (nothing changed)
     */
    public Optional<Account> bootstrapOperator(String login, String password) {
        if (accounts.anyOperator()) {
            return Optional.empty();
        }
        return Optional.of(create(BOOTSTRAP, login, Account.Role.OPERATOR, null, password));
    }

    /**
     * A new API token for {@code accountId}.
     *
     * @param token the token, to show once; only its hash is stored
     * @param record the stored record
     */
    public record NewToken(String token, ApiToken record) {
    }

    /**
     * Makes an API token for an account.
     *
     * @param expiresAt {@code null} for no expiry
     * @throws dev.steward.control.store.UnknownEntityException if there is no such account
     */
    public NewToken createToken(Actor actor, long accountId, String label, Instant expiresAt) {
        accounts.find(accountId).orElseThrow(
                () -> new dev.steward.control.store.UnknownEntityException("account", accountId));
        String token = TokenHash.newToken();
        return new NewToken(token, tokens.create(actor, accountId, label, token, expiresAt));
    }
}
