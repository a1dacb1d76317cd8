package dev.steward.control.store;

/**
 * A login: an operator of the provider, or a customer's account limited to that customer.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity
 * @param login the login name (an e-mail address), unique, stored lowercase
 * @param role operator or customer
 * @param customerId the customer a customer account belongs to; {@code null} for operators
 * @param passwordHash the hash string the web module produced (never a password); {@code null}
 *     for an account that cannot log in with a password
 * @param disabled whether logins and tokens are refused
 */
public record Account(long id, String login, Role role, Long customerId, String passwordHash, boolean disabled) {

    /** The two sorts of accounts. */
    public enum Role {
        /** A provider's operator: sees every customer. */
        OPERATOR,
        /** A customer's account: sees only its own customer's servers. */
        CUSTOMER
    }
}
