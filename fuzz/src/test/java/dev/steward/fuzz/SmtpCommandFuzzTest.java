package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.smtp.wire.CommandParser;
import dev.steward.smtp.wire.CommandSyntaxException;
import dev.steward.smtp.wire.PathCommand;
import dev.steward.smtp.wire.SmtpCommand;
import dev.steward.smtp.wire.SmtpInput;
import dev.steward.smtp.wire.SmtpSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzzes what a client's command lines go through: {@link SmtpInput#readCommandLine}, then
 * {@link CommandParser#parse}, then {@link CommandParser#parsePath} for MAIL and RCPT.
 *
 * <p>Input: the raw octets a client sends (the seeds are command lines as on the wire). Properties:
 * <ul>
 *   <li>reading fails only with {@link SmtpSyntaxException} (the line is consumed, the session
 *       goes on) or {@link EOFException} at the end; a line never holds CR or LF and has at most
 *       the allowed octets;</li>
 *   <li>{@code parse} never throws; the verb is the line's first word in ASCII upper case (or
 *       UNKNOWN), the argument has no blanks at either end, and {@code verb + " " + argument}
 *       parses back to the same command;</li>
 *   <li>{@code parsePath} throws nothing but {@link CommandSyntaxException}; a parsed path holds
 *       no control character (nothing can be injected into the envelope or a log line), RCPT
 *       never yields the null path, parameter names are upper-case keywords and values have no
 *       blank, '=' or control character; rendering the path and parameters again parses to an
 *       equal {@link PathCommand}.</li>
 * </ul>
 */
class SmtpCommandFuzzTest {

    private static final int MAX_LINE = 512;

    @FuzzTest
    void commandLines(byte[] input) throws IOException {
        SmtpInput smtp = new SmtpInput(new ByteArrayInputStream(input));
        for (int lines = 0; lines < 64; lines++) {
            String line;
            try {
                line = smtp.readCommandLine(MAX_LINE);
            } catch (SmtpSyntaxException unusable) {
                assertThat(unusable.problem()).isNotNull();
                continue;
            } catch (EOFException end) {
                return;
            }
            assertThat(line).doesNotContain("\r").doesNotContain("\n");
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX_LINE - 1);
            command(line);
        }
    }

    private static void command(String line) {
        SmtpCommand command = CommandParser.parse(line);
        String word = line.split("[ \t]", 2)[0];
        if (command.verb() != SmtpCommand.Verb.UNKNOWN) {
            assertThat(command.verb().name()).isEqualTo(word.toUpperCase(Locale.ROOT));
            assertThat(word.chars().allMatch(c -> c < 0x80)).as("verbs are matched in ASCII only").isTrue();
        }
        String argument = command.argument();
        assertThat(line).contains(argument);
        if (!argument.isEmpty()) {
            assertThat(argument.charAt(0)).isNotIn(' ', '\t');
            assertThat(argument.charAt(argument.length() - 1)).isNotIn(' ', '\t');
        }
        String rendered = command.verb() + (argument.isEmpty() ? "" : " " + argument);
        if (command.verb() != SmtpCommand.Verb.UNKNOWN) {
            assertThat(CommandParser.parse(rendered)).isEqualTo(command);
        }
        switch (command.verb()) {
            case MAIL -> path(argument, "FROM");
            case RCPT -> path(argument, "TO");
            default -> {
                // The other verbs' arguments are the session's business.
            }
        }
        // Every argument also goes through both keywords, whatever the verb.
        path(argument, "FROM");
        path(argument, "TO");
    }

    private static void path(String argument, String keyword) {
        PathCommand parsed;
        try {
            parsed = CommandParser.parsePath(argument, keyword);
        } catch (CommandSyntaxException refused) {
            assertThat(refused.reason()).isNotBlank();
            return;
        }
        String path = parsed.path();
        assertThat(path.chars().noneMatch(c -> c < 0x20 || c == 0x7f))
                .as("control character in path %s", path).isTrue();
        if ("TO".equals(keyword)) {
            assertThat(path).isNotEmpty();
        }
        StringBuilder rendered = new StringBuilder(keyword).append(":<").append(path).append('>');
        for (Map.Entry<String, String> parameter : parsed.parameters().entrySet()) {
            String name = parameter.getKey();
            assertThat(name).matches("[A-Z0-9][A-Z0-9-]*");
            rendered.append(' ').append(name);
            String value = parameter.getValue();
            if (value != null) {
                assertThat(value).isNotEmpty();
                assertThat(value.chars().noneMatch(c -> c <= ' ' || c == '=' || c == 0x7f))
                        .as("value of %s: %s", name, value).isTrue();
                rendered.append('=').append(value);
            }
        }
        PathCommand again;
        try {
            again = CommandParser.parsePath(rendered.toString(), keyword);
        } catch (CommandSyntaxException refused) {
            throw new AssertionError("\"" + rendered + "\" (rendered from \"" + argument + "\") refused: "
                    + refused.reason(), refused);
        }
        assertThat(again).isEqualTo(parsed);
    }
}
