package dev.steward.control.store;

import java.time.Instant;

/**
 * An API token's record; the token itself is never stored (see {@link TokenHash}).
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity
 * @param accountId whose token
 * @param label what the owner called it
 * @param createdAt when it was made
 * @param expiresAt when it stops working; {@code null} for never
 * @param revokedAt when it was revoked; {@code null} if not
 */
public record ApiToken(long id, long accountId, String label, Instant createdAt, Instant expiresAt, Instant revokedAt) {
}
