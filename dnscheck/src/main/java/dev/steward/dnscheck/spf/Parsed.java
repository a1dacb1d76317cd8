package dev.steward.dnscheck.spf;

/**
 * What a package-internal parser made of its text: the value, or the reason it is invalid. Not
 * API. Immutable.
 *
 * @param <T> the parsed value's type
 */
sealed interface Parsed<T> {

    /** The text was valid. */
    record Ok<T>(T value) implements Parsed<T> {}

    /** The text was invalid, for this reason (plain words, quoting the offending part). */
    record Bad<T>(String reason) implements Parsed<T> {}
}
