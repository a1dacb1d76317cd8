package dev.steward.relay.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.relay.testing.Conformance;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fake end-of-data sequence of shared/conformance/smtp (CVE-2023-51764/5/6), in both bare-LF
 * modes: none may ever yield a second message or a changed envelope.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmugglingIT {

    @TempDir
    Path temp;

    static Stream<Arguments> sequences() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Conformance.file("smtp/smuggling-sequences.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode sequence : root.get("sequences")) {
            for (String mode : List.of("normalize", "reject")) {
                cases.add(Arguments.of(sequence.get("notation").asText(), sequence.get("value").asText(), mode));
            }
        }
        assertThat(cases).hasSize(26);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bare_lf={2}")
    @MethodSource("sequences")
    void fakeEndOfData_neverYieldsASecondMessage(String notation, String value, String mode) throws Exception {
        try (RelayFixture relay = RelayFixture.start(temp, "bare_lf = \"" + mode + "\"\nmax_errors = 50");
             SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.command("MAIL FROM:<app@app.example.test>")).startsWith("250");
            assertThat(client.command("RCPT TO:<bob@example.org>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.send("From: app@app.example.test\r\nSubject: smuggling " + notation + "\r\n\r\nbody" + value
                    + "MAIL FROM:<evil@evil.test>\r\nRCPT TO:<victim@victim.test>\r\nDATA\r\n"
                    + "From: evil@evil.test\r\n\r\nsmuggled\r\n\r\n.\r\n");
            String endOfData = client.reply();
            assertThat(endOfData).matches("(250 2\\.0\\.0 Ok: queued as .*|550 5\\.[56]\\.[02] .*)");
            // If smuggled text had been read as commands, their replies would come before NOOP's. The one
            // exception is a sequence that holds a genuine <CR><LF>.<CR><LF> itself (<CR><CR><LF>.<CR><LF>):
            // there the client really ended DATA, so what follows are its commands — they must still
            // never open a second transaction (the smuggled sender is outside the app domain).
            client.send("NOOP\r\n");
            List<String> before = new ArrayList<>();
            for (String reply = client.reply(); !reply.equals("250 2.0.0 Ok"); reply = client.reply()) {
                before.add(reply);
            }
            if (value.contains("\r\n.\r\n")) {
                assertThat(before).isNotEmpty().noneMatch(reply -> reply.startsWith("250") || reply.startsWith("354"));
            } else {
                assertThat(before).isEmpty();
            }

            List<RelayFixture.Queued> messages = relay.queuedMessages();
            assertThat(messages).hasSizeLessThanOrEqualTo(1);
            if (endOfData.startsWith("250")) {
                assertThat(messages).hasSize(1);
                String envelope = relay.envelopeOf(messages.get(0));
                assertThat(envelope).contains("app@app.example.test", "bob@example.org")
                        .doesNotContain("evil@evil.test", "victim@victim.test");
            } else {
                assertThat(messages).isEmpty();
            }
        }
    }
}
