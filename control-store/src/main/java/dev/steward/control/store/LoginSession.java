package dev.steward.control.store;

import java.time.Instant;

/**
 * A logged-in browser session; the session id itself is never stored (see {@link TokenHash}).
 *
 * <p>Thread safety: immutable.
 *
 * @param account the account logged in
 * @param createdAt when
 * @param expiresAt when it stops working
 */
public record LoginSession(Account account, Instant createdAt, Instant expiresAt) {
}
