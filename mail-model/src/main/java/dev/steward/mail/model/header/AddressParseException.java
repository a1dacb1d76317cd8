package dev.steward.mail.model.header;

/**
 * An address header value that {@link AddressListParser} cannot parse. Checked, so that a caller
 * applying a policy to the addresses must decide what a header it cannot read means (intake
 * refuses the message).
 *
 * <p>Thread safety: immutable.
 */
public final class AddressParseException extends Exception {

    private final int position;

    AddressParseException(String reason, int position) {
        super(reason + " (at character " + position + ")");
        this.position = position;
    }

    /** The character index in the header value where parsing failed. */
    public int position() {
        return position;
    }
}
