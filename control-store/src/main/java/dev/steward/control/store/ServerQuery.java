package dev.steward.control.store;

import dev.steward.control.core.fleet.ServerRole;

/**
 * A filter and a page position for listing servers; every filter is optional ({@code null}).
 *
 * <p>Thread safety: immutable.
 *
 * @param customerId only this customer's servers (what a customer account is limited to)
 * @param applicationId only servers of this application
 * @param role only test or only production servers
 * @param search a case-insensitive substring of the server name or the app host
 * @param cursor the {@link Page#nextCursor()} of the previous page; {@code null} for the first
 * @param limit 1..500 servers per page
 */
public record ServerQuery(Long customerId, Long applicationId, ServerRole role, String search, String cursor,
                          int limit) {

    /** Checks the limit and bounds the search text. */
    public ServerQuery {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be 1..500, not " + limit);
        }
        if (search != null) {
            search = search.strip();
            if (search.isEmpty()) {
                search = null;
            } else if (search.length() > 253) {
                throw new IllegalArgumentException("search text longer than 253 characters");
            }
        }
    }

    /** Every server, first page. */
    public static ServerQuery all(int limit) {
        return new ServerQuery(null, null, null, null, null, limit);
    }

    /** The same filter at the page after {@code nextCursor}. */
    public ServerQuery after(String nextCursor) {
        return new ServerQuery(customerId, applicationId, role, search, nextCursor, limit);
    }
}
