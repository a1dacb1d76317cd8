package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.notify.DkimNotice;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import dev.steward.smtp.wire.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DNS-3 through the API: {@code PUT /api/v1/servers/{id}/dkim} stores the key and the customer's
 * contacts receive the exact TXT record over real SMTP ({@link RecordingSmtpServer} on loopback);
 * the message is parsed back and the record in it is compared with the key.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class DkimNoticeIT {

    @TestTemplate
    void registeringAKey_mailsTheRecordToEveryContact_inTheirLanguage_andAuditsIt(Database database) throws Exception {
        try (RecordingSmtpServer smtp = RecordingSmtpServer.startPlain();
             TestApi api = new TestApi(database, 5, SmtpSubmission.to(smtp.host(), smtp.port(), TestApi.DOMAIN))) {
            Customer customer = api.deps.customers().create(TestApi.SETUP, Customer.of("Klant " + TestApi.next(),
                    List.of("it@klant.example", "boss@klant.example"), Language.NL));
            Server server = api.server(customer.id(), api.application().id());
            String token = api.token(api.operator());
            String key = AuthorizationMatrixIT.rsaPublicKey();

            TestApi.Reply reply = api.send("PUT", "/api/v1/servers/" + server.id() + "/dkim",
                    Map.of("selector", "nexx", "public_key", key), TestApi.Auth.bearer(token));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().at("/notice/status").asText()).isEqualTo("sent");
            assertThat(reply.json().at("/server/dkim_public_key").asText()).isEqualTo(key);
            String owner = "nexx._domainkey." + server.appHost();
            assertThat(reply.json().at("/notice/record_name").asText()).isEqualTo(owner);

            ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(10)).getFirst();
            assertThat(received.sender()).isEqualTo("steward@" + TestApi.DOMAIN);
            assertThat(received.recipients()).containsExactly("it@klant.example", "boss@klant.example");
            Parsed message = Parsed.of(received.content());
            assertThat(message.headers().get("to")).isEqualTo("it@klant.example, boss@klant.example");
            assertThat(message.headers().get("subject")).startsWith("DKIM-record voor " + server.appHost());
            assertThat(message.headers().get("content-transfer-encoding")).isEqualTo("7bit");
            // The whole value, on its own line after "Waarde:".
            String value = "v=DKIM1; k=rsa; p=" + key;
            assertThat(message.body()).contains("Naam (host):   " + owner + "\r\n");
            assertThat(message.body()).contains("Waarde:\r\n" + value + "\r\n");
            // The split form: quoted strings of at most 255 characters that join to the value.
            Matcher zone = Pattern.compile(Pattern.quote(owner) + "\\. IN TXT \\( (.*) \\)").matcher(message.body());
            assertThat(zone.find()).isTrue();
            List<String> parts = new ArrayList<>();
            Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(zone.group(1));
            while (quoted.find()) {
                parts.add(quoted.group(1));
            }
            assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> assertThat(part.length()).isLessThanOrEqualTo(255));
            assertThat(String.join("", parts)).isEqualTo(value);

            List<String> actions = api.deps.audit().forEntity("server", server.id()).stream().map(AuditEntry::action).toList();
            assertThat(actions).containsSubsequence("server.dkim_key_set", "server.dkim_notice_sent");
        }
    }

    @TestTemplate
    void aRefusedNotice_isReportedAndAudited_andTheSameKeyAgainRetries(Database database) throws Exception {
        try (RecordingSmtpServer smtp = RecordingSmtpServer.builder()
                .replyToRecipient("it@refused.example", SmtpReply.of(550, "5.1.1", "no such user"))
                .start();
             TestApi api = new TestApi(database, 5, SmtpSubmission.to(smtp.host(), smtp.port(), TestApi.DOMAIN))) {
            Customer customer = api.deps.customers().create(TestApi.SETUP, Customer.of("Refused " + TestApi.next(),
                    List.of("it@refused.example"), Language.EN));
            Server server = api.server(customer.id(), api.application().id());
            String token = api.token(api.operator());
            String key = AuthorizationMatrixIT.rsaPublicKey();

            TestApi.Reply failed = api.send("PUT", "/api/v1/servers/" + server.id() + "/dkim",
                    Map.of("public_key", key), TestApi.Auth.bearer(token));

            assertThat(failed.status()).isEqualTo(200);
            assertThat(failed.json().at("/notice/status").asText()).isEqualTo("failed");
            assertThat(failed.json().at("/notice/detail").asText()).contains("RCPT TO", "550 5.1.1 no such user");
            assertThat(smtp.messages()).isEmpty();
            assertThat(api.deps.servers().get(server.id()).dkimPublicKey()).isEqualTo(key);
            AuditEntry audited = api.deps.audit().forEntity("server", server.id()).getLast();
            assertThat(audited.action()).isEqualTo("server.dkim_notice_failed");
            assertThat(audited.details()).contains("550 5.1.1 no such user");

            // The contact is fixed; registering the same key again sends the notice.
            api.deps.customers().update(TestApi.SETUP, new Customer(customer.id(), customer.name(),
                    List.of("it@fixed.example"), Language.EN, customer.timeZone()));
            TestApi.Reply retried = api.send("PUT", "/api/v1/servers/" + server.id() + "/dkim",
                    Map.of("public_key", key), TestApi.Auth.bearer(token));
            assertThat(retried.json().at("/notice/status").asText()).isEqualTo("sent");
            Parsed message = Parsed.of(smtp.awaitMessages(1, Duration.ofSeconds(10)).getFirst().content());
            assertThat(message.headers().get("subject")).isEqualTo("DKIM record for " + server.appHost()
                    + ": publish this TXT record");
            assertThat(message.body()).contains("Value:\r\n" + DkimNotice.recordValue(key) + "\r\n");
        }
    }

    @TestTemplate
    void withoutARelay_theKeyIsStored_andTheReplySaysNothingWasSent(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            TestApi.Reply reply = api.send("PUT", "/api/v1/servers/" + server.id() + "/dkim",
                    Map.of("public_key", AuthorizationMatrixIT.rsaPublicKey()), TestApi.Auth.bearer(api.token(api.operator())));
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().at("/notice/status").asText()).isEqualTo("not_configured");
            assertThat(api.deps.audit().forEntity("server", server.id()).getLast().action())
                    .isEqualTo("server.dkim_notice_failed");
        }
    }

    @TestTemplate
    void aKeyThatIsNotBase64_is400(Database database) {
        try (TestApi api = new TestApi(database)) {
            Server server = api.server(api.customer().id(), api.application().id());
            TestApi.Reply reply = api.send("PUT", "/api/v1/servers/" + server.id() + "/dkim",
                    Map.of("public_key", "not a key; v=DKIM1 <script>"), TestApi.Auth.bearer(api.token(api.operator())));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().at("/details/field").asText()).isEqualTo("public_key");
            assertThat(api.deps.servers().get(server.id()).dkimPublicKey()).isNull();
        }
    }

    /** A received message split into lower-cased header names (unfolded) and the body. */
    record Parsed(Map<String, String> headers, String body) {
        static Parsed of(byte[] content) {
            String text = new String(content, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).isPositive();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : text.substring(0, end).replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
            }
            return new Parsed(headers, text.substring(end + 4));
        }
    }
}
