package dev.steward.control.core;

/**
 * Base of every control-plane failure (Jdbi's unchecked {@code UnableTo…} hierarchy): subclasses
 * are named after the failure, carry the state needed to understand it, and the web layer maps
 * each subclass to one HTTP answer.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class ControlException extends RuntimeException {

    /** @param message what failed, in words an operator can act on */
    public ControlException(String message) {
        super(message);
    }

    /**
     * @param message what failed, in words an operator can act on
     * @param cause the underlying failure
     */
    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
