package dev.steward.control.web.auth;

import dev.steward.control.core.Actor;
import dev.steward.control.store.Account;
import java.time.Instant;
import java.util.Objects;

/**
 * Who a request comes from: an enabled account, and how it proved it.
 *
 * <p>Thread safety: immutable.
 *
 * @param account the account
 * @param method a browser session (cookie) or an API token (bearer)
 * @param csrfToken for a session, the token every state-changing request must echo; {@code null}
 *     for an API token
 * @param expiresAt when the session ends; {@code null} for an API token
 */
public record Principal(Account account, Method method, String csrfToken, Instant expiresAt) {

    /** How a request was authenticated. */
    public enum Method {
        /** The session cookie; state-changing requests need the CSRF token too. */
        SESSION,
        /** {@code Authorization: Bearer}; not sent by browsers on their own, so no CSRF token. */
        TOKEN
    }

    /** Account and method are required; a session has a CSRF token. */
    public Principal {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(method, "method");
        if ((method == Method.SESSION) != (csrfToken != null)) {
            throw new IllegalArgumentException("a session principal has a CSRF token, a token principal none");
        }
    }

    /** Whether this is one of the provider's operators. */
    public boolean isOperator() {
        return account.role() == Account.Role.OPERATOR;
    }

    /** The customer a customer account is limited to; {@code null} for operators. */
    public Long customerId() {
        return account.customerId();
    }

    /** The actor for the audit log and the state machine. */
    public Actor actor() {
        return isOperator() ? Actor.operator(account.login()) : Actor.customer(account.login());
    }
}
