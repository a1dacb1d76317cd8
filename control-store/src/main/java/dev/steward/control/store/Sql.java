package dev.steward.control.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;

/** Small SQL helpers shared by the repositories: timestamps and error translation. */
final class Sql {

    /** SQLSTATE for a unique violation, the same on PostgreSQL and H2. */
    static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    /**
     * Lets the current transaction commit without waiting for its WAL flush, on PostgreSQL
     * ({@code set local synchronous_commit = off}; H2 has nothing to relax). Only for bookkeeping
     * that the next request writes again anyway (a heartbeat, a credential's last use): a crash of
     * the database may lose the last few hundred milliseconds of such transactions, whole ones
     * only, never part of one. Must be called inside a transaction.
     */
    static void commitAsynchronously(Database database, org.jdbi.v3.core.Handle handle) {
        if (database.kind() == Database.Kind.POSTGRESQL) {
            handle.execute("set local synchronous_commit = off");
        }
    }

    /** Now, truncated to microseconds: the precision both databases store, so values round-trip. */
    static Instant now(Database database) {
        return database.clock().instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Reads a {@code timestamp with time zone} column; {@code null} stays null. */
    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Reads a nullable bigint column. */
    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /**
     * Runs {@code work}; a unique violation becomes a {@link DuplicateNameException} for
     * {@code entity} and {@code name}, everything else passes through.
     */
    static <T> T uniqueName(String entity, String name, Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            if (isUniqueViolation(e)) {
                throw new DuplicateNameException(entity, name, e);
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Escapes {@code %}, {@code _} and the escape character for {@code like … escape '!'}. */
    static String likeContains(String text) {
        return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }
}
