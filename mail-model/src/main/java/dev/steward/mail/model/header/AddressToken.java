package dev.steward.mail.model.header;

/**
 * One lexical token of an address header value (RFC 5322 §3.2), comments and folding whitespace
 * already dropped.
 *
 * @param kind what the token is
 * @param text the token as written: the atom, the quoted string or domain literal with its
 *     delimiters, or the special character
 * @param content for a quoted string, its text with quotes removed and quoted-pairs resolved;
 *     otherwise the same as {@code text}
 * @param position index of the token's first character in the header value
 */
record AddressToken(Kind kind, String text, String content, int position) {

    enum Kind {
        ATOM,
        QUOTED_STRING,
        DOMAIN_LITERAL,
        SPECIAL,
        END
    }

    boolean isSpecial(char special) {
        return kind == Kind.SPECIAL && text.charAt(0) == special;
    }

    boolean isWord() {
        return kind == Kind.ATOM || kind == Kind.QUOTED_STRING;
    }

    String describe() {
        return kind == Kind.END ? "the end of the value" : "\"" + text + "\"";
    }
}
