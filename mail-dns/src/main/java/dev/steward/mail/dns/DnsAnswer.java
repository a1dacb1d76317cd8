package dev.steward.mail.dns;

import java.util.List;
import java.util.Objects;

/**
 * What DNS said about one question: the records, or why there are none. A closed set, so callers
 * switch over it exhaustively. Immutable and thread-safe.
 *
 * @param <T> the record value type (for example an MX record or an address)
 */
public sealed interface DnsAnswer<T> {

    /** The question's name exists and has records of the asked type (never an empty list). */
    record Records<T>(List<T> records) implements DnsAnswer<T> {
        public Records {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("Records needs at least one record; use NoData");
            }
        }
    }

    /** RFC 2308 NXDOMAIN: the name does not exist. Permanent. */
    record NxDomain<T>(String name) implements DnsAnswer<T> {
        public NxDomain {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The name exists but has no records of the asked type (RFC 2308 NODATA). */
    record NoData<T>(String name) implements DnsAnswer<T> {
        public NoData {
            Objects.requireNonNull(name, "name");
        }
    }

    /** SERVFAIL, timeout, refused, truncated beyond recovery: ask again later. */
    record TempFail<T>(String name, String reason) implements DnsAnswer<T> {
        public TempFail {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
