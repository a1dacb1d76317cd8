package dev.steward.relay.bounce;

import static dev.steward.relay.bounce.TestNotices.COMPOSER;
import static dev.steward.relay.bounce.TestNotices.returned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads our notices with an independent implementation, Python's {@code email} package (the
 * stdlib parser with {@code policy.default}), and checks that it sees the RFC 3464 structure we
 * meant, with no parsing defects.
 */
@Timeout(60)
class BouncePythonParseIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final String SCRIPT = """
            import email, email.policy, json, sys
            msg = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
            def defects(part):
                return [type(d).__name__ for d in part.defects]
            out = {"content_type": msg.get_content_type(),
                   "report_type": msg.get_param("report-type"),
                   "subject": str(msg["Subject"]), "to": str(msg["To"]), "from": str(msg["From"]),
                   "auto_submitted": str(msg["Auto-Submitted"]),
                   "defects": defects(msg), "parts": []}
            for part in msg.iter_parts():
                entry = {"content_type": part.get_content_type(), "defects": defects(part)}
                if part.get_content_type() == "message/delivery-status":
                    entry["blocks"] = [dict(block.items()) for block in part.get_payload()]
                    entry["defects"] += [d for block in part.get_payload() for d in defects(block)]
                else:
                    entry["text"] = part.get_content()
                out["parts"].append(entry)
            json.dump(out, sys.stdout)
            """;

    @TempDir
    Path temp;

    @Test
    void bounce_pythonEmailParsesIt() throws Exception {
        JsonNode parsed = python(((BounceOutcome.Send) COMPOSER.bounce(
                returned(List.of(TestNotices.rejected(), TestNotices.noSuchDomain())))).message());

        assertThat(parsed.get("content_type").asText()).isEqualTo("multipart/report");
        assertThat(parsed.get("report_type").asText()).isEqualTo("delivery-status");
        assertThat(parsed.get("subject").asText()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(parsed.get("to").asText()).isEqualTo("app@app.example.test");
        assertThat(parsed.get("auto_submitted").asText()).isEqualTo("auto-replied");
        assertThat(parsed.findValues("defects")).allSatisfy(defects -> assertThat(defects).isEmpty());
        JsonNode parts = parsed.get("parts");
        assertThat(parts).extracting(part -> part.get("content_type").asText())
                .containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(parts.get(0).get("text").asText()).contains("<bob@example.org>: host mx.example.org[203.0.113.5] said:");
        JsonNode blocks = parts.get(1).get("blocks");
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).get("Reporting-MTA").asText()).isEqualTo("dns; relay1.example.net");
        assertThat(blocks.get(1).get("Final-Recipient").asText()).isEqualTo("rfc822; bob@example.org");
        assertThat(blocks.get(1).get("Status").asText()).isEqualTo("5.1.1");
        assertThat(blocks.get(1).get("Diagnostic-Code").asText().replaceAll("\\s+", " "))
                .isEqualTo("smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table");
        assertThat(blocks.get(2).get("Action").asText()).isEqualTo("failed");
        assertThat(parts.get(2).get("text").asText().replace("\n", "\r\n")).isEqualTo(TestNotices.HEADERS);
    }

    @Test
    void delayWarningWithUtf8_pythonDecodesTheSameText() throws Exception {
        RecipientReport utf8 = new RecipientReport("bjørn@bücher.example", null,
                Dsn.delayed(EnhancedStatus.parse("4.2.2"), "host said: 452 4.2.2 Brevlådan är full — försök senare"), null);
        String headers = "Subject: Rapport für Björn\r\nX-Long: " + "a".repeat(1500) + "\r\n";
        ReturnedMessage message = new ReturnedMessage("Q4", "app@app.example.test", Instant.parse("2026-11-28T10:00:00Z"),
                TestNotices.message(headers), List.of(utf8));

        JsonNode parsed = python(((BounceOutcome.Send) COMPOSER.delayWarning(message,
                Instant.parse("2026-12-03T10:00:00Z"))).message());

        assertThat(parsed.findValues("defects")).allSatisfy(defects -> assertThat(defects).isEmpty());
        JsonNode parts = parsed.get("parts");
        assertThat(parts.get(0).get("text").asText().replace("\n    ", " "))
                .contains("<bjørn@bücher.example>: host said: 452 4.2.2 Brevlådan är full — försök senare");
        assertThat(parts.get(1).get("blocks").get(1).get("Final-Recipient").asText())
                .isEqualTo("utf-8; bj\\x{F8}rn@b\\x{FC}cher.example");
        assertThat(parts.get(1).get("blocks").get(1).get("Will-Retry-Until").asText())
                .isEqualTo("Thu, 3 Dec 2026 11:00:00 +0100");
        assertThat(parts.get(2).get("text").asText().replace("\n", "\r\n")).isEqualTo(headers);
    }

    private JsonNode python(byte[] notice) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "python3 is not installed");
        Path script = Files.writeString(temp.resolve("parse.py"), SCRIPT);
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectError(temp.resolve("stderr.txt").toFile())
                .start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(notice);
        }
        byte[] stdout = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("python3 failed: %s", Files.readString(temp.resolve("stderr.txt"))).isZero();
        return JsonMapper.builder().build().readTree(new String(stdout, StandardCharsets.UTF_8));
    }
}
