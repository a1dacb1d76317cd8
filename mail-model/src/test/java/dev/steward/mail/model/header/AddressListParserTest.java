package dev.steward.mail.model.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.EmailAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddressListParserTest {

    static Stream<Arguments> parsable() {
        return Stream.of(
                // The security cases: only addr-specs count, never display names or comments.
                Arguments.of("\"app@app.example.test\" <evil@evil.test>", List.of("evil@evil.test")),
                Arguments.of("app@app.example.test (comment <x@y>)", List.of("app@app.example.test")),
                Arguments.of("(app@app.example.test) evil@evil.test", List.of("evil@evil.test")),
                Arguments.of("\"a, <app@app.example.test>\" <evil@evil.test>", List.of("evil@evil.test")),
                Arguments.of("App (x <app@app.example.test>) <evil@evil.test>", List.of("evil@evil.test")),
                Arguments.of("undisclosed-recipients:;", List.of()),
                Arguments.of("a@app.example.test, b@evil.test", List.of("a@app.example.test", "b@evil.test")),
                // Plain forms.
                Arguments.of("app@app.example.test", List.of("app@app.example.test")),
                Arguments.of("<app@app.example.test>", List.of("app@app.example.test")),
                Arguments.of("App Sender <app@app.example.test>", List.of("app@app.example.test")),
                Arguments.of("\"Sender, App\" <app@app.example.test>", List.of("app@app.example.test")),
                Arguments.of("\"say \\\"hi\\\" \\\\ bye\" <app@app.example.test>", List.of("app@app.example.test")),
                Arguments.of("  app@app.example.test  ", List.of("app@app.example.test")),
                Arguments.of("\"john doe\"@example.test", List.of("\"john doe\"@example.test")),
                Arguments.of("Name <\"odd <quoted>\"@example.test>", List.of("\"odd <quoted>\"@example.test")),
                // Comments anywhere CFWS may be, nested, with escapes.
                Arguments.of("(a (nested (deep)) comment) app@app.example.test", List.of("app@app.example.test")),
                Arguments.of("app(c1)@(c2)app.example.test(c3)", List.of("app@app.example.test")),
                Arguments.of("<(c)app@app.example.test(c)>", List.of("app@app.example.test")),
                Arguments.of("app@app.example.test (escaped \\) paren)", List.of("app@app.example.test")),
                // Groups.
                Arguments.of("Team: a@x.test, B <b@y.test>;", List.of("a@x.test", "b@y.test")),
                Arguments.of("Team: a@x.test;, c@z.test", List.of("a@x.test", "c@z.test")),
                Arguments.of("\"Team\": ;", List.of()),
                Arguments.of("Team: (nobody) ;", List.of()),
                Arguments.of("Team: ,a@x.test,,;", List.of("a@x.test")),
                // Obsolete syntax, RFC 5322 §4.4.
                Arguments.of("<@relay1.test,@relay2.test:user@d.test>", List.of("user@d.test")),
                Arguments.of("Name <,@relay1.test,,@relay2.test:user@d.test>", List.of("user@d.test")),
                Arguments.of("john . doe @ example . test", List.of("john.doe@example.test")),
                Arguments.of("john.\"q public\"@example.test", List.of("\"john.q public\"@example.test")),
                Arguments.of("\"john\".\"doe\"@example.test", List.of("\"john.doe\"@example.test")),
                Arguments.of("John Q. Public <jqp@example.test>", List.of("jqp@example.test")),
                Arguments.of(", a@x.test,, b@y.test,", List.of("a@x.test", "b@y.test")),
                // RFC 2047 encoded words are atoms in a display name; RFC 6532 UTF-8.
                Arguments.of("=?utf-8?q?J=C3=BCrgen?= <j@example.test>", List.of("j@example.test")),
                Arguments.of("Jürgen Müller <jürgen@bücher.example>", List.of("jürgen@bücher.example")),
                Arguments.of("\"Jürgen\" <j@bücher.example>", List.of("j@bücher.example")),
                // Folded value (not unfolded by the caller).
                Arguments.of("A <a@x.test>,\r\n B <b@y.test>", List.of("a@x.test", "b@y.test")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("parsable")
    void mailboxes_parsableValue_returnsExactlyTheAddrSpecs(String value, List<String> expected)
            throws AddressParseException {
        List<EmailAddress> mailboxes = AddressListParser.mailboxes(value);

        assertThat(mailboxes).extracting(EmailAddress::toString).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> unparsable() {
        return Stream.of(
                // Ambiguous forms that would let a display-name-like address through if guessed.
                Arguments.of("app@app.example.test <evil@evil.test>",
                        "expected a ',' between addresses or the end of the value but found \"<\""),
                Arguments.of("App <app@app.example.test> <evil@evil.test>",
                        "expected a ',' between addresses or the end of the value but found \"<\""),
                Arguments.of("<app@app.example.test> evil@evil.test",
                        "expected a ',' between addresses or the end of the value but found \"evil\""),
                Arguments.of("app@app.example.test evil@evil.test",
                        "expected a ',' between addresses or the end of the value but found \"evil\""),
                Arguments.of("John Doe@example.test", "expected '@' after the local part but found \"Doe\""),
                Arguments.of("app@app.example.test@evil.test",
                        "expected a ',' between addresses or the end of the value but found \"@\""),
                // Nothing usable.
                Arguments.of("", "the value contains no address"),
                Arguments.of("  (only a comment) ", "the value contains no address"),
                Arguments.of(",,", "the value contains no address"),
                Arguments.of("App Sender", "expected an address (user@domain or <user@domain>) but found the end"),
                Arguments.of("app", "expected an address (user@domain or <user@domain>) but found the end"),
                Arguments.of("<>", "<> is not a mailbox"),
                Arguments.of("<app>", "expected '@' after the local part but found \">\""),
                // Unbalanced delimiters.
                Arguments.of("<app@app.example.test", "expected the '>' that closes the address but found the end"),
                Arguments.of("app@app.example.test>", "but found \">\""),
                Arguments.of("\"unclosed <a@b.test>", "a quoted string is never closed"),
                Arguments.of("a@b.test (unclosed", "a comment '(' is never closed"),
                Arguments.of("a@b.test (nested (unclosed)", "a comment '(' is never closed"),
                Arguments.of("a@b.test )", "a ')' closes a comment that was never opened"),
                Arguments.of("a@b.test \\", "'\\' is not allowed here"),
                // Groups.
                Arguments.of("Team: a@x.test", "expected a ',' or the ';' that ends the group but found the end"),
                Arguments.of("Team:", "the group that starts here is not closed by ';'"),
                Arguments.of("Team: a@x.test,", "the group that starts here is not closed by ';'"),
                Arguments.of(": a@x.test;", "a group has no name before its ':'"),
                Arguments.of("Outer: Inner: a@x.test;;", "groups cannot be nested"),
                Arguments.of("a@x.test;", "but found \";\""),
                // Routes.
                Arguments.of("<@:user@d.test>", "expected a domain after '@' but found \":\""),
                Arguments.of("<,:user@d.test>", "a source route has no '@domain'"),
                Arguments.of("<@relay.test user@d.test>", "'@domain' or the ':' that ends a source route"),
                // Addr-specs that are not valid EmailAddresses.
                Arguments.of("app@[192.0.2.1]", "address literals such as \"[192.0.2.1]\" are not accepted"),
                Arguments.of("Name <app@[IPv6:2001:db8::1]>", "address literals such as"),
                Arguments.of("app@192.0.2.1", "ends in an all-digit label"),
                Arguments.of("app@-bad.test", "starts or ends with a hyphen"),
                Arguments.of("app@.test", "expected a domain after '@' but found \".\""),
                Arguments.of("app.@x.test", "expected a word after the '.' in the local part but found \"@\""),
                Arguments.of("app@x.test.", "expected a domain label after '.' but found the end"),
                Arguments.of("a@b.test, \"x\u0001\"@c.test", "U+0001 is not allowed here"),
                Arguments.of("a\u0000b@c.test", "U+0000 is not allowed here"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("unparsable")
    void mailboxes_unparsableValue_throwsWithReason_neverPartial(String value, String reason) {
        assertThatThrownBy(() -> AddressListParser.mailboxes(value))
                .isInstanceOf(AddressParseException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void mailboxes_error_carriesPosition() {
        assertThatThrownBy(() -> AddressListParser.mailboxes("a@x.test, b@y.test <c@z.test>"))
                .isInstanceOfSatisfying(AddressParseException.class, failure -> {
                    assertThat(failure.position()).isEqualTo(19);
                    assertThat(failure.getMessage()).isEqualTo(
                            "expected a ',' between addresses or the end of the value but found \"<\" (at character 19)");
                });
    }

    @Test
    void mailboxes_keepsDomainAsWritten_andNormalisesIt() throws AddressParseException {
        EmailAddress address = AddressListParser.mailboxes("App <App@APP.Example.Test>").get(0);

        assertThat(address.localPart()).isEqualTo("App");
        assertThat(address.domainText()).isEqualTo("APP.Example.Test");
        assertThat(address.domain().ascii()).isEqualTo("app.example.test");
    }
}
