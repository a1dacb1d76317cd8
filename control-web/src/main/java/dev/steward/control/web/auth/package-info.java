/**
 * Authentication: passwords, sessions, CSRF tokens, API tokens and the login rate limit.
 *
 * <p><b>Role.</b> {@link dev.steward.control.web.auth.Authenticator} turns credentials into a
 * {@link dev.steward.control.web.auth.Principal}; {@link dev.steward.control.web.auth.AccountAdmin}
 * creates accounts (hashing passwords) and tokens, and bootstraps the first operator;
 * {@link dev.steward.control.web.auth.PasswordHasher} is Argon2id in PHC format.
 *
 * <p><b>Inputs/outputs.</b> Logins, passwords, session ids and tokens from requests; principals
 * and exceptions out. Nothing here touches HTTP: the api package reads cookies and headers.
 *
 * <p><b>Tables.</b> account, login_session, api_token, login_attempt (through control-store).
 *
 * <p><b>Strategy.</b> No state in memory: sessions, attempts and tokens are rows, so every
 * control-plane instance accepts the same credentials and counts the same failures.
 *
 * <p><b>Failure handling.</b> One {@link dev.steward.control.web.auth.LoginRefusedException} for
 * unknown login, wrong password and disabled account; {@link
 * dev.steward.control.web.auth.LoginRateLimitedException} with Retry-After at the limit.
 *
 * <p><b>Config keys.</b> {@code [auth] session_lifetime}, {@code login_failure_limit},
 * {@code login_failure_window}; {@code [server] public_url} (https: Secure cookies).
 *
 * <p><b>Security.</b> Passwords only as Argon2id hashes; session ids and API tokens only as
 * SHA-256; an unknown login costs the same hashing time as a wrong password; CSRF tokens are
 * compared in constant time.
 */
package dev.steward.control.web.auth;
