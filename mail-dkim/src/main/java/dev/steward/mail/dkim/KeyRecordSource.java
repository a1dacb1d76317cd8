package dev.steward.mail.dkim;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the verifier gets key records from: DNS in production (an adapter over
 * {@code mail-dns}'s {@code Resolver}, in the module that uses both), a map in tests.
 *
 * <p>Implementations must be thread-safe when a {@link DkimVerifier} is shared between threads.
 */
@FunctionalInterface
public interface KeyRecordSource {

    /**
     * The TXT records at {@code name} ({@code SELECTOR._domainkey.DOMAIN}, no trailing dot), each
     * with its character-strings already joined (RFC 6376 §3.6.2.2). An empty list means the name
     * has no TXT record (NXDOMAIN or NODATA).
     *
     * @throws KeyLookupException when the answer is not known right now (timeout, SERVFAIL)
     */
    List<String> txt(String name) throws KeyLookupException;

    /** A source backed by a map from name (case-insensitive, trailing dot ignored) to one TXT value. */
    static KeyRecordSource of(Map<String, String> records) {
        Map<String, String> byName = new java.util.HashMap<>();
        records.forEach((name, value) -> byName.put(normalise(name), Objects.requireNonNull(value, name)));
        Map<String, String> copy = Map.copyOf(byName);
        return name -> {
            String value = copy.get(normalise(name));
            return value == null ? List.of() : List.of(value);
        };
    }

    private static String normalise(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** A temporary key lookup failure; the message says what failed, for the TempError reason. */
    final class KeyLookupException extends Exception {
        private static final long serialVersionUID = 1L;

        public KeyLookupException(String message) {
            super(message);
        }
    }
}
