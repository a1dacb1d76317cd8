package dev.steward.mail.model.header;

import dev.steward.mail.model.EmailAddress;
import dev.steward.mail.model.header.AddressToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Extracts the mailboxes of an address header value (From, Sender, Reply-To, To, Cc, Bcc):
 * RFC 5322 §3.4 address-list and mailbox-list, with groups, display names, quoted strings,
 * comments, the obsolete forms of §4.4 (routes such as {@code <@a,@b:user@d>}, local parts and
 * domains with CFWS around the dots, empty list elements, dots in display names) and UTF-8 per
 * RFC 6532. RFC 2047 encoded words are not decoded: in a display name they are atoms, and display
 * names are discarded.
 *
 * <p>Only the addr-spec of each mailbox is returned; what a display name or comment says is never
 * an address, so {@code "app@app.example.test" <evil@evil.test>} yields only
 * {@code evil@evil.test}. A value that does not parse throws; a partial list is never returned.
 *
 * <p>Strategy: tokenize ({@link AddressTokenizer}), then recursive descent over the tokens. Which
 * form a mailbox has is decided by the first of {@code <}, {@code @} or {@code :} after its leading
 * words: {@code <} starts a name-addr, {@code @} an addr-spec, {@code :} a group.
 *
 * <p>Thread safety: thread-safe; each call of {@link #mailboxes(String)} uses its own parser.
 */
public final class AddressListParser {

    private final List<AddressToken> tokens;
    private int next; // index of the next token to read

    private AddressListParser(List<AddressToken> tokens) {
        this.tokens = tokens;
    }

    /**
     * Every mailbox of an address-list, in order; an empty list for groups with no members, such
     * as {@code undisclosed-recipients:;}.
     *
     * @throws AddressParseException with a reason when the value is not an address list, when an
     *     addr-spec is not a valid {@link EmailAddress} (address literals included), or when the
     *     value is empty
     */
    public static List<EmailAddress> mailboxes(String headerValue) throws AddressParseException {
        Objects.requireNonNull(headerValue, "headerValue");
        AddressListParser parser = new AddressListParser(AddressTokenizer.tokenize(headerValue));
        return parser.addressList();
    }

    /** RFC 5322 §3.4 address-list, or §4.4 obs-addr-list with empty elements. */
    private List<EmailAddress> addressList() throws AddressParseException {
        List<EmailAddress> mailboxes = new ArrayList<>();
        boolean sawAddress = false;
        while (peek().kind() != Kind.END) {
            if (peek().isSpecial(',')) {
                take(); // obs-addr-list: an empty element
                continue;
            }
            address(mailboxes);
            sawAddress = true;
            AddressToken after = peek();
            if (after.kind() != Kind.END && !after.isSpecial(',')) {
                throw unexpected(after, "a ',' between addresses or the end of the value");
            }
        }
        if (!sawAddress) {
            throw new AddressParseException("the value contains no address", peek().position());
        }
        return mailboxes;
    }

    /** RFC 5322 §3.4 address = mailbox / group. */
    private void address(List<EmailAddress> into) throws AddressParseException {
        if (formAhead().isSpecial(':')) {
            group(into);
        } else {
            into.add(mailbox());
        }
    }

    /** RFC 5322 §3.4 group = display-name ":" [group-list] ";" [CFWS]. */
    private void group(List<EmailAddress> into) throws AddressParseException {
        AddressToken start = peek();
        if (!phrase()) {
            throw new AddressParseException("a group has no name before its ':'", start.position());
        }
        take(); // the ':' found by formAhead
        while (!peek().isSpecial(';')) {
            AddressToken token = peek();
            if (token.kind() == Kind.END) {
                throw new AddressParseException("the group that starts here is not closed by ';'", start.position());
            }
            if (token.isSpecial(',')) {
                take(); // obs-group-list and obs-mbox-list allow empty elements
                continue;
            }
            if (formAhead().isSpecial(':')) {
                throw new AddressParseException("groups cannot be nested", token.position());
            }
            into.add(mailbox());
            AddressToken after = peek();
            if (!after.isSpecial(',') && !after.isSpecial(';')) {
                throw unexpected(after, "a ',' or the ';' that ends the group");
            }
        }
        take(); // ';'
    }

    /** RFC 5322 §3.4 mailbox = name-addr / addr-spec. */
    private EmailAddress mailbox() throws AddressParseException {
        AddressToken form = formAhead();
        if (form.isSpecial('<')) {
            phrase(); // the display name is optional and discarded
            return angleAddr();
        }
        if (form.isSpecial('@')) {
            return addrSpec();
        }
        throw unexpected(form, "an address (user@domain or <user@domain>)");
    }

    /**
     * RFC 5322 §3.4 angle-addr, with §4.4 obs-angle-addr: {@code "<" [obs-route] addr-spec ">"}.
     */
    private EmailAddress angleAddr() throws AddressParseException {
        expect('<', "'<'");
        if (peek().isSpecial('@') || peek().isSpecial(',')) {
            obsRoute();
        }
        if (peek().isSpecial('>')) {
            throw new AddressParseException("<> is not a mailbox", peek().position());
        }
        EmailAddress address = addrSpec();
        expect('>', "the '>' that closes the address");
        return address;
    }

    /** RFC 5322 §4.4 obs-route = obs-domain-list ":"; the route is dropped (RFC 5321 §C). */
    private void obsRoute() throws AddressParseException {
        boolean sawDomain = false;
        while (!peek().isSpecial(':')) {
            if (peek().isSpecial(',')) {
                take();
            } else if (peek().isSpecial('@')) {
                take();
                domain();
                sawDomain = true;
            } else {
                throw unexpected(peek(), "'@domain' or the ':' that ends a source route");
            }
        }
        if (!sawDomain) {
            throw new AddressParseException("a source route has no '@domain'", peek().position());
        }
        take(); // ':'
    }

    /**
     * RFC 5322 §3.4.1 addr-spec = local-part "@" domain, with obs-local-part (words joined by dots)
     * and obs-domain. The result is rebuilt without CFWS and validated as an {@link EmailAddress}.
     */
    private EmailAddress addrSpec() throws AddressParseException {
        AddressToken start = peek();
        List<AddressToken> words = new ArrayList<>();
        words.add(word("a local part"));
        while (peek().isSpecial('.')) {
            take();
            words.add(word("a word after the '.' in the local part"));
        }
        expect('@', "'@' after the local part");
        String domainText = domain();
        String addrSpec = localPart(words) + "@" + domainText;
        try {
            return EmailAddress.parse(addrSpec);
        } catch (IllegalArgumentException invalid) {
            throw new AddressParseException(invalid.getMessage(), start.position());
        }
    }

    /** RFC 5322 §3.4.1 domain = dot-atom / domain-literal / obs-domain. */
    private String domain() throws AddressParseException {
        AddressToken first = take();
        if (first.kind() == Kind.DOMAIN_LITERAL) {
            return first.text(); // EmailAddress refuses it with the address-literal reason
        }
        if (first.kind() != Kind.ATOM) {
            throw unexpected(first, "a domain after '@'");
        }
        StringBuilder domain = new StringBuilder(first.text());
        while (peek().isSpecial('.')) {
            take();
            AddressToken label = take();
            if (label.kind() != Kind.ATOM) {
                throw unexpected(label, "a domain label after '.'");
            }
            domain.append('.').append(label.text());
        }
        return domain.toString();
    }

    /**
     * The local part in RFC 5321 form. A dot-atom stays as written; a single quoted string stays
     * quoted; an obsolete mix such as {@code john."q".public} becomes one quoted string, its
     * semantic equal (RFC 5322 §3.4.1).
     */
    private static String localPart(List<AddressToken> words) {
        if (words.stream().allMatch(word -> word.kind() == Kind.ATOM)) {
            return String.join(".", words.stream().map(AddressToken::text).toList());
        }
        if (words.size() == 1) {
            return words.get(0).text();
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                quoted.append('.');
            }
            for (char c : words.get(i).content().toCharArray()) {
                if (c == '"' || c == '\\') {
                    quoted.append('\\');
                }
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * RFC 5322 §3.2.5 phrase, with obs-phrase (dots after the first word). Returns whether a word
     * was read; the words themselves are discarded.
     */
    private boolean phrase() {
        if (!peek().isWord()) {
            return false;
        }
        while (peek().isWord() || peek().isSpecial('.')) {
            take();
        }
        return true;
    }

    private AddressToken word(String what) throws AddressParseException {
        AddressToken token = take();
        if (!token.isWord()) {
            throw unexpected(token, what);
        }
        return token;
    }

    /**
     * The token that decides the form of the address starting at the next token: the first token
     * that is not a word or a dot. Does not consume anything.
     */
    private AddressToken formAhead() {
        int index = next;
        while (tokens.get(index).isWord() || tokens.get(index).isSpecial('.')) {
            index++;
        }
        return tokens.get(index);
    }

    private void expect(char special, String what) throws AddressParseException {
        AddressToken token = take();
        if (!token.isSpecial(special)) {
            throw unexpected(token, what);
        }
    }

    private AddressToken peek() {
        return tokens.get(next);
    }

    private AddressToken take() {
        AddressToken token = tokens.get(next);
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    private static AddressParseException unexpected(AddressToken found, String expected) {
        return new AddressParseException("expected " + expected + " but found " + found.describe(), found.position());
    }
}
