package dev.steward.control.web.auth;

import dev.steward.control.core.ControlException;
import java.time.Duration;

/**
 * Too many failed logins for one login from one address within the window; the password was not
 * even checked.
 *
 * <p>Thread safety: immutable.
 */
public final class LoginRateLimitedException extends ControlException {

    private final Duration retryAfter;
    private final int failures;

    /**
     * @param failures the failures counted in the window
     * @param retryAfter when the oldest counted failure leaves the window
     */
    public LoginRateLimitedException(int failures, Duration retryAfter) {
        super("too many failed logins (" + failures + "); try again in " + retryAfter.toSeconds() + " s");
        this.failures = failures;
        this.retryAfter = retryAfter;
    }

    /** How long until a login is accepted again (at least one second). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The failures counted. */
    public int failures() {
        return failures;
    }
}
