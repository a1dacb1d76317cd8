package dev.steward.control.web.auth;

import dev.steward.control.core.ControlException;

/**
 * A login with an unknown account, a wrong password, or a disabled account: deliberately one
 * failure for all three, so the answer does not tell which logins exist.
 *
 * <p>Thread safety: immutable.
 */
public final class LoginRefusedException extends ControlException {

    /** The one message for every refused login. */
    public LoginRefusedException() {
        super("login or password is wrong");
    }
}
