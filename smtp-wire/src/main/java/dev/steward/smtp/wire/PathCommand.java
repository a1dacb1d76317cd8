package dev.steward.smtp.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The argument of MAIL FROM or RCPT TO, parsed by {@link CommandParser#parsePath}.
 *
 * @param path       the mailbox between the angle brackets, as written (a quoted local part keeps
 *                   its quotes), without any source route; {@code ""} for the null path
 *                   {@code <>}; a mailbox without a domain (such as {@code postmaster}) is kept
 *                   as is: whether to accept it is the server's decision
 * @param parameters ESMTP parameters in the order given: keyword upper-cased to value, or to
 *                   {@code null} for a keyword without {@code =value}; unmodifiable
 *
 * <p>Thread safety: immutable.
 */
public record PathCommand(String path, Map<String, String> parameters) {

    public PathCommand {
        Objects.requireNonNull(path, "path");
        // Map.copyOf would lose the order and refuse null values.
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
}
