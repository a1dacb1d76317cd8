package dev.steward.smtp.wire.client;

/**
 * The SASL mechanisms {@link ClientSession#authenticate} speaks. Both send the password itself,
 * so the session refuses them outside TLS.
 *
 * <p>Thread safety: immutable.
 */
public enum AuthMechanism {
    /** RFC 4616, sent as an initial response (RFC 4954 §4). */
    PLAIN,
    /** The de-facto LOGIN mechanism (draft-murchison-sasl-login): user name, then password, each a 334 challenge. */
    LOGIN
}
