package dev.steward.control.store;

import java.util.List;

/**
 * One page of a keyset-paged list.
 *
 * <p>Thread safety: immutable.
 *
 * @param items the rows of this page, in order
 * @param nextCursor what to pass as the cursor for the next page; {@code null} on the last page
 * @param total how many rows match the filter in all pages
 * @param <T> the row type
 */
public record Page<T>(List<T> items, String nextCursor, long total) {

    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }
}
