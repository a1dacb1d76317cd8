package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.api.TestApi.Auth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The release endpoints' answers: validation, refusals, the detail, the dry run and a customer's maintenance. */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class ReleaseApiIT {

    @TestTemplate
    void register_refusals_dryRun_approve_detail_maintenance(Database database) {
        try (TestApi api = new TestApi(database)) {
            Auth operator = Auth.bearer(api.token(api.operator()));
            Customer customer = api.customer();
            Account account = api.customerAccount(customer.id());
            Auth own = Auth.bearer(api.token(account));
            Application app = api.application();
            Server server = api.server(customer.id(), app.id());

            TestApi.Reply badCve = api.send("POST", "/api/v1/releases", Map.of("application_id", app.id(),
                    "version", "1.0.1", "security", true, "cve_ids", List.of("CVE-26-1")), operator);
            assertThat(badCve.status()).isEqualTo(400);
            assertThat(badCve.json().get("message").asText()).contains("not a CVE id");
            TestApi.Reply older = api.send("POST", "/api/v1/releases", Map.of("application_id", app.id(),
                    "version", "0.9.0"), operator);
            assertThat(older.status()).isEqualTo(400);
            assertThat(older.json().get("message").asText()).contains("not newer");
            assertThat(api.send("POST", "/api/v1/releases", Map.of("application_id", 999_999, "version", "2.0.0"),
                    operator).status()).isEqualTo(422);

            TestApi.Reply created = api.send("POST", "/api/v1/releases", Map.of("application_id", app.id(),
                    "version", "1.1.0", "changelog", "Reports", "wave_size", 5), operator);
            assertThat(created.status()).isEqualTo(201);
            JsonNode release = created.json();
            assertThat(release.get("state").asText()).isEqualTo("registered");
            assertThat(release.get("classification").asText()).isEqualTo("minor");
            assertThat(release.get("notice").asBoolean()).isTrue();
            assertThat(release.get("previous_version").asText()).isEqualTo("1.0.0");
            assertThat(release.get("wave_size").asInt()).isEqualTo(5);
            assertThat(release.get("expected_seconds").asInt()).isEqualTo(600);
            long id = release.get("id").asLong();
            TestApi.Reply duplicate = api.send("POST", "/api/v1/releases", Map.of("application_id", app.id(),
                    "version", "1.1.0"), operator);
            assertThat(duplicate.status()).isEqualTo(409);
            assertThat(duplicate.json().get("code").asText()).isEqualTo("duplicate");

            JsonNode dryRun = api.send("GET", "/api/v1/releases/" + id + "/plan?dry_run=true", null, operator).json();
            assertThat(dryRun.get("dry_run").asBoolean()).isTrue();
            assertThat(dryRun.get("items")).hasSize(1);
            assertThat(dryRun.get("items").get(0).get("state").asText()).isEqualTo("would_plan");
            assertThat(dryRun.get("items").get(0).get("window").get("kind").asText()).isEqualTo("app");
            assertThat(api.send("GET", "/api/v1/releases/" + id + "/plan", null, operator).json().get("items"))
                    .isEmpty();
            assertThat(api.send("POST", "/api/v1/releases/" + id + "/start-test", null, operator).json()
                    .get("code").asText()).isEqualTo("release_state");

            JsonNode approved = api.send("POST", "/api/v1/releases/" + id + "/approve", null, operator).json();
            assertThat(approved.get("release").get("state").asText()).isEqualTo("planned");
            // No notice sender in this world: the notice fails and blocks the server's slot.
            assertThat(approved.get("counts").get("notice_blocked").asInt()).isEqualTo(1);
            assertThat(approved.get("targets").get("notice_blocked").get(0).get("server_id").asLong())
                    .isEqualTo(server.id());
            assertThat(approved.get("notices").get(0).get("state").asText()).isEqualTo("failed");
            TestApi.Reply again = api.send("POST", "/api/v1/releases/" + id + "/approve", null, operator);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("code").asText()).isEqualTo("release_state");

            JsonNode listed = api.send("GET", "/api/v1/releases?application_id=" + app.id() + "&state=planned", null,
                    operator).json();
            assertThat(listed.get("items")).hasSize(1);
            assertThat(api.send("GET", "/api/v1/releases?state=nonsense", null, operator).status()).isEqualTo(400);

            JsonNode maintenance = api.send("GET", "/api/v1/servers/" + server.id() + "/maintenance", null, own).json();
            assertThat(maintenance.get("items")).hasSize(1);
            assertThat(maintenance.get("items").get(0).get("target_version").asText()).isEqualTo("1.1.0");
            assertThat(maintenance.get("items").get(0).get("state").asText()).isEqualTo("notice_blocked");

            JsonNode cancelled = api.send("POST", "/api/v1/releases/" + id + "/cancel", Map.of("reason", "vendor pulled it"),
                    operator).json();
            assertThat(cancelled.get("release").get("state").asText()).isEqualTo("cancelled");
            assertThat(cancelled.get("counts").get("skipped").asInt()).isEqualTo(1);
            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/maintenance", null, own).json()
                    .get("items")).isEmpty();

            JsonNode feed = api.send("PUT", "/api/v1/applications/" + app.slug() + "/release-feed",
                    Map.of("feed_url", "https://vendor.example/feed.atom"), operator).json();
            assertThat(feed.get("feed_url").asText()).isEqualTo("https://vendor.example/feed.atom");
            assertThat(api.send("PUT", "/api/v1/applications/" + app.slug() + "/release-feed",
                    Map.of("feed_url", "file:///etc/passwd"), operator).status()).isEqualTo(400);
        }
    }
}
