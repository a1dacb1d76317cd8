package dev.steward.smtp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            EHLO client.test           | EHLO    | client.test
            ehlo client.test           | EHLO    | client.test
            HeLo x                     | HELO    | x
            MAIL FROM:<a@b.test>       | MAIL    | FROM:<a@b.test>
            mail from:<a@b.test>       | MAIL    | from:<a@b.test>
            'RCPT   TO:<a@b>  '        | RCPT    | TO:<a@b>
            'MAIL\tFROM:<a@b>'         | MAIL    | FROM:<a@b>
            DATA                       | DATA    | ''
            'QUIT   '                  | QUIT    | ''
            RSET                       | RSET    | ''
            NOOP anything              | NOOP    | anything
            VRFY x                     | VRFY    | x
            EXPN x                     | EXPN    | x
            HELP                       | HELP    | ''
            StartTLS                   | STARTTLS| ''
            AUTH PLAIN abc=            | AUTH    | PLAIN abc=
            BDAT 100 LAST              | BDAT    | 100 LAST
            DATAX                      | UNKNOWN | ''
            MAILFROM:<a@b>             | UNKNOWN | ''
            ''                         | UNKNOWN | ''
            ' QUIT'                    | UNKNOWN | QUIT
            maıl FROM:<a@b>            | UNKNOWN | FROM:<a@b>
            GET / HTTP/1.1             | UNKNOWN | / HTTP/1.1
            """)
    void parse_table(String line, SmtpCommand.Verb verb, String argument) {
        assertThat(CommandParser.parse(line.replace("\\t", "\t"))).isEqualTo(new SmtpCommand(verb, argument));
    }

    /** Parameters written as {@code K=V;K2} (no "=" means a null value); empty for none. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            FROM:<a@b.test>                                | FROM | a@b.test                | ''
            from:<a@b.test>                                | FROM | a@b.test                | ''
            FROM:<>                                        | FROM | ''                      | ''
            FROM: <a@b.test>                               | FROM | a@b.test                | ''
            'FROM:   <a@b.test>   '                        | FROM | a@b.test                | ''
            FROM:<a@b.test> SIZE=1000 BODY=8BITMIME        | FROM | a@b.test                | SIZE=1000;BODY=8BITMIME
            FROM:<a@b.test> size=1000 smtputf8             | FROM | a@b.test                | SIZE=1000;SMTPUTF8
            'FROM:<a@b.test>  SIZE=1  BODY=7BIT'           | FROM | a@b.test                | SIZE=1;BODY=7BIT
            FROM:<> RET=HDRS ENVID=QQ314159                | FROM | ''                      | RET=HDRS;ENVID=QQ314159
            TO:<c@d.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c+2Bx@d.test | TO | c@d.test | NOTIFY=SUCCESS,FAILURE;ORCPT=rfc822;c+2Bx@d.test
            TO:<postmaster>                                | TO   | postmaster              | ''
            TO:<Postmaster@x.test>                         | TO   | Postmaster@x.test       | ''
            TO:<@a.test,@b.test:user@d.test>               | TO   | user@d.test             | ''
            FROM:<@a.test:user@d.test>                     | FROM | user@d.test             | ''
            TO:<"a >b"@x.test>                             | TO   | '"a >b"@x.test'         | ''
            TO:<"a \\" b"@x.test>                          | TO   | '"a \\" b"@x.test'      | ''
            TO:<user@[192.0.2.1]>                          | TO   | user@[192.0.2.1]        | ''
            TO:<user@[IPv6:2001:db8::1]>                   | TO   | user@[IPv6:2001:db8::1] | ''
            TO:<first.last+tag@sub.x.test>                 | TO   | first.last+tag@sub.x.test | ''
            TO:<j\\u00f6rg@b\\u00fccher.test>                | TO   | j\\u00f6rg@b\\u00fccher.test | ''
            FROM:<a@b.test> X-FOO-1                        | FROM | a@b.test                | X-FOO-1
            FROM:<a@b.test> AUTH=<>                        | FROM | a@b.test                | AUTH=<>
            """)
    void parsePath_valid(String argument, String keyword, String path, String parameters) throws CommandSyntaxException {
        PathCommand command = CommandParser.parsePath(unescape(argument), keyword);
        assertThat(command.path()).isEqualTo(unescape(path));
        assertThat(render(command.parameters())).isEqualTo(parameters);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            FROM:a@b.test                      | FROM | address must be enclosed in <>
            FROM:<a@b.test                     | FROM | missing > after address
            FROM:                              | FROM | missing address
            '  '                               | FROM | 'Syntax: MAIL FROM:<address>'
            FROM<a@b.test>                     | FROM | 'Syntax: MAIL FROM:<address>'
            TO:<a@b.test>                      | FROM | 'Syntax: MAIL FROM:<address>'
            FROM:<a@b.test>                    | TO   | 'Syntax: RCPT TO:<address>'
            TO:<>                              | TO   | empty recipient address
            FROM:<a@b.test>SIZE=1              | FROM | unexpected text after address
            FROM:<a@b.test> junk!              | FROM | invalid parameter syntax
            FROM:<a@b.test> SIZE=              | FROM | invalid value for parameter SIZE
            FROM:<a@b.test> SIZE=1=2           | FROM | invalid value for parameter SIZE
            FROM:<a@b.test> =1                 | FROM | invalid parameter syntax
            FROM:<a@b.test> -X                 | FROM | invalid parameter syntax
            FROM:<a@b.test> SIZE=1 size=2      | FROM | duplicate parameter SIZE
            FROM:<a@b.test> BODY BODY          | FROM | duplicate parameter BODY
            FROM:<a b@c.test>                  | FROM | invalid character in address
            FROM:<a@b.test>>                   | FROM | unexpected text after address
            FROM:<a@b.test <c@d.test>          | FROM | invalid character in address
            FROM:<a@>                          | FROM | missing domain after @
            FROM:<@a.test>                     | FROM | bad source route
            FROM:<@a.test,b.test:u@d.test>     | FROM | bad source route
            FROM:<@:u@d.test>                  | FROM | bad source route
            FROM:<@a.test:>                    | FROM | empty local part in address
            FROM:<"unterminated@b.test>        | FROM | unterminated quoted local part
            FROM:<a@[]>                        | FROM | invalid address literal
            FROM:<a@b.test> SIZE=\\u0001        | FROM | invalid value for parameter SIZE
            FROM:<a\\u0000@b.test>              | FROM | invalid character in address
            FROM:<a@b\\u0085.test>              | FROM | invalid character in address
            """)
    void parsePath_invalid(String argument, String keyword, String reason) {
        assertThatThrownBy(() -> CommandParser.parsePath(unescape(argument), keyword))
                .isInstanceOfSatisfying(CommandSyntaxException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void parsePath_parameters_keepOrderAndNullValues() throws CommandSyntaxException {
        PathCommand command = CommandParser.parsePath("FROM:<a@b.test> Z=1 A SMTPUTF8 M=2", "FROM");
        assertThat(new ArrayList<>(command.parameters().keySet())).containsExactly("Z", "A", "SMTPUTF8", "M");
        assertThat(command.parameters()).containsEntry("A", null);
        assertThatThrownBy(() -> command.parameters().put("X", "1")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parsePath_unsupportedKeyword_isAProgrammingError() {
        assertThatThrownBy(() -> CommandParser.parsePath("FROM:<a@b>", "from")).isInstanceOf(IllegalArgumentException.class);
    }

    /** CSV cells cannot hold controls or be typed easily with umlauts: decode backslash-u escapes. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (text.startsWith("\\u", i) && i + 6 <= text.length()) {
                out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (text.startsWith("\\\\", i)) {
                out.append('\\');
                i++;
            } else {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    private static String render(Map<String, String> parameters) {
        List<String> parts = new ArrayList<>();
        parameters.forEach((key, value) -> parts.add(value == null ? key : key + "=" + value));
        return String.join(";", parts);
    }
}
