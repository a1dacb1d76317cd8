package dev.steward.dnscheck.spf;

/**
 * One term of an SPF record (RFC 7208 §4.6.1), with the exact text the publisher wrote, so that a
 * proposal can reproduce it unchanged.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface SpfTerm {

    /** The term as written in the record, e.g. {@code "~all"}, {@code "include:_spf.google.com"}. */
    String text();

    /** A qualifier and a mechanism: {@code -ip4:192.0.2.0/24}. */
    record Directive(Qualifier qualifier, Mechanism mechanism, String text) implements SpfTerm {}

    /**
     * {@code name=value}. {@code redirect} and {@code exp} have a domain-spec value; other names are
     * unknown modifiers, kept and ignored (RFC 7208 §6). The name is lower-cased.
     */
    record Modifier(String name, MacroString value, String text) implements SpfTerm {
        public boolean isRedirect() {
            return name.equals("redirect");
        }

        public boolean isExplanation() {
            return name.equals("exp");
        }
    }
}
