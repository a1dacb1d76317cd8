package dev.steward.control.store;

import dev.steward.control.core.ControlException;

/**
 * The database cannot be reached, opened or migrated.
 *
 * <p>Thread safety: immutable.
 */
public final class DatabaseUnavailableException extends ControlException {

    /**
     * @param message what could not be done, with the JDBC URL (never the password)
     * @param cause the driver's or Flyway's failure
     */
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
