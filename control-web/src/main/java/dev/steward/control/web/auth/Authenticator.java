package dev.steward.control.web.auth;

import dev.steward.control.store.Account;
import dev.steward.control.store.ApiTokenRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.LoginAttemptRepository;
import dev.steward.control.store.LoginSession;
import dev.steward.control.store.SessionRepository;
import dev.steward.control.store.TokenHash;
import dev.steward.control.store.AccountRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Logins, sessions, CSRF tokens and API tokens: everything that turns a request's credentials into
 * a {@link Principal}. Used by the JSON API and, later, by the server-rendered login form.
 *
 * <p><b>Sessions.</b> A login creates a random 256-bit session id ({@link TokenHash#newToken()});
 * the browser gets it in an HttpOnly cookie and the database gets only its SHA-256, with the
 * expiry. Every instance reads sessions from the database, so a session works on all of them and
 * a logout on one ends it on all.
 *
 * <p><b>CSRF.</b> The CSRF token is derived from the session id,
 * {@code base64url(SHA-256("steward-csrf:" + session id))}: only a holder of the session id can
 * compute it, the database cannot (it has only the plain SHA-256 of the id), and any instance can
 * check it without stored state (OWASP's "synchronizer token", derived rather than stored). It is
 * returned by the login and by {@code GET /api/v1/session}, and compared in constant time.
 *
 * <p><b>Rate limiting.</b> Before the password is checked, the failed attempts for this login from
 * this address within the window are counted in the database (so across instances); at the limit
 * the login is refused with {@link LoginRateLimitedException} and a Retry-After computed from the
 * oldest counted failure. Every attempt is recorded.
 *
 * <p><b>API tokens.</b> {@code Authorization: Bearer <token>}; only the token's SHA-256 is stored;
 * a revoked or expired token or a disabled account is refused.
 *
 * <p>Thread safety: thread-safe; no state of its own.
 */
public final class Authenticator {

    private static final String CSRF_CONTEXT = "steward-csrf:";

    private final AccountRepository accounts;
    private final SessionRepository sessions;
    private final ApiTokenRepository tokens;
    private final LoginAttemptRepository attempts;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final Duration sessionLifetime;
    private final int failureLimit;
    private final Duration failureWindow;

    /**
     * @param sessionLifetime how long a session lasts
     * @param failureLimit failed logins per login and address per window before refusing
     * @param failureWindow the window
     */
    public Authenticator(Database database, PasswordHasher hasher, Duration sessionLifetime, int failureLimit,
                         Duration failureWindow) {
        this.accounts = new AccountRepository(database);
        this.sessions = new SessionRepository(database);
        this.tokens = new ApiTokenRepository(database);
        this.attempts = new LoginAttemptRepository(database);
        this.hasher = hasher;
        this.clock = database.clock();
        this.sessionLifetime = sessionLifetime;
        this.failureLimit = failureLimit;
        this.failureWindow = failureWindow;
    }

    /**
     * A successful login: the session id for the cookie (shown once, never stored) and the
     * principal.
     *
     * @param sessionId the cookie value
     * @param principal the logged-in account with its CSRF token
     */
    public record Login(String sessionId, Principal principal) {
    }

    /**
     * Checks a login and starts a session.
     *
     * @param remoteAddress the client's address, for the rate limit
     * @throws LoginRateLimitedException if too many attempts failed recently (password not checked)
     * @throws LoginRefusedException for an unknown login, a wrong password or a disabled account
     */
    public Login login(String login, String password, String remoteAddress) {
        if (login == null || login.isBlank() || login.length() > 320 || password == null || password.length() > 1024) {
            throw new LoginRefusedException();
        }
        Instant now = clock.instant();
        List<Instant> failures = attempts.failureTimes(login, remoteAddress, now.minus(failureWindow), failureLimit);
        if (failures.size() >= failureLimit) {
            Duration wait = Duration.between(now, failures.getFirst().plus(failureWindow));
            throw new LoginRateLimitedException(failures.size(), wait.getSeconds() < 1 ? Duration.ofSeconds(1)
                    : wait.plusSeconds(1).withNanos(0));
        }
        Optional<Account> found = accounts.findByLogin(login);
        boolean ok;
        if (found.isEmpty() || found.get().passwordHash() == null) {
            hasher.burn(password);
            ok = false;
        } else {
            ok = hasher.verify(password, found.get().passwordHash()) && !found.get().disabled();
        }
        attempts.record(login, remoteAddress, ok);
        if (!ok) {
            throw new LoginRefusedException();
        }
        Account account = found.get();
        String sessionId = TokenHash.newToken();
        Principal provisional = new Principal(account, Principal.Method.SESSION, csrfToken(sessionId), null);
        LoginSession session = sessions.create(provisional.actor(), account.id(), sessionId, sessionLifetime);
        if (hasher.needsRehash(account.passwordHash())) {
            accounts.setPasswordHash(provisional.actor(), account.id(), hasher.hash(password));
        }
        return new Login(sessionId, new Principal(account, Principal.Method.SESSION, csrfToken(sessionId),
                session.expiresAt()));
    }

    /** The principal of a live session, if the id is known, unexpired, and the account enabled. */
    public Optional<Principal> fromSession(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 100) {
            return Optional.empty();
        }
        return sessions.find(sessionId).map(session -> new Principal(session.account(), Principal.Method.SESSION,
                csrfToken(sessionId), session.expiresAt()));
    }

    /** The principal of a valid API token (not revoked, not expired, account enabled). */
    public Optional<Principal> fromToken(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return tokens.authenticate(token).map(account -> new Principal(account, Principal.Method.TOKEN, null, null));
    }

    /** Ends the session (on every instance); {@code false} if it had already ended. */
    public boolean logout(Principal principal, String sessionId) {
        return sessions.delete(principal.actor(), sessionId);
    }

    /** Whether {@code presented} is the CSRF token of {@code principal}'s session (constant time). */
    public static boolean csrfMatches(Principal principal, String presented) {
        if (principal.csrfToken() == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(principal.csrfToken().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The CSRF token that belongs to a session id. */
    static String csrfToken(String sessionId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((CSRF_CONTEXT + sessionId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The configured session lifetime (for the cookie's Max-Age). */
    public Duration sessionLifetime() {
        return sessionLifetime;
    }
}
