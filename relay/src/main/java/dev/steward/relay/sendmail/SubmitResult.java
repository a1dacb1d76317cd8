package dev.steward.relay.sendmail;

/** How a sendmail submission to the relay ended. */
sealed interface SubmitResult {

    /** The relay answered 250 to the end of DATA. */
    record Queued(String reply) implements SubmitResult {
    }

    /** The relay refused (4xx or 5xx); {@code reply} is its whole reply line. */
    record Refused(String reply) implements SubmitResult {
    }

    /** No SMTP conversation was possible. */
    record Unreachable(String where, String reason) implements SubmitResult {
    }
}
