package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.api.TestApi.Auth;
import dev.steward.control.web.api.TestApi.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class PackageChangeApiIT {

    @TestTemplate
    void refusedRequest_422_reasonInTheCustomersLanguage(Database database) {
        try (TestApi api = new TestApi(database)) {
            Application application = api.application();
            for (Language language : Language.values()) {
                Customer customer = api.customer();
                customer = api.deps.customers().update(TestApi.SETUP, new Customer(customer.id(), customer.name(),
                        customer.contacts(), language, customer.timeZone()));
                Server server = api.server(customer.id(), application.id());
                Auth auth = Auth.bearer(api.token(api.customerAccount(customer.id())));
                Reply refused = api.send("POST", "/api/v1/servers/" + server.id() + "/package-changes",
                        Map.of("kind", "downgrade"), auth);
                assertThat(refused.status()).isEqualTo(422);
                assertThat(refused.json().get("code").asText()).isEqualTo("already_standard");
                assertThat(refused.json().get("message").asText()).isEqualTo(language == Language.NL
                        ? "De server heeft het standaardpakket al." : "The server is already on the standard package.");
                assertThat(refused.json().at("/details/reason/en").asText()).isEqualTo("The server is already on the standard package.");
                // Unknown kinds and malformed bodies are 400 with the error shape.
                assertThat(api.send("POST", "/api/v1/servers/" + server.id() + "/package-changes", Map.of("kind", "teleport"),
                        auth).status()).isEqualTo(400);
                assertThat(api.send("POST", "/api/v1/servers/" + server.id() + "/package-changes", "{\"kind\":", auth)
                        .json().get("code").asText()).isEqualTo("malformed_json");
            }
        }
    }

    @TestTemplate
    void customer_listsOnlyOwnServersAndRequests_evenWhenAskingForAnother(Database database) {
        try (TestApi api = new TestApi(database)) {
            Application application = api.application();
            Customer mine = api.customer();
            Customer theirs = api.customer();
            Server myServer = api.server(mine.id(), application.id());
            Server theirServer = api.server(theirs.id(), application.id());
            Auth me = Auth.bearer(api.token(api.customerAccount(mine.id())));
            Auth operator = Auth.bearer(api.token(api.operator()));
            api.send("POST", "/api/v1/servers/" + myServer.id() + "/package-changes", Map.of("kind", "extra_ipv6"), me);
            api.send("POST", "/api/v1/servers/" + theirServer.id() + "/package-changes", Map.of("kind", "extra_ipv6"), operator);

            Reply servers = api.send("GET", "/api/v1/servers?customer_id=" + theirs.id() + "&limit=500", null, me);
            assertThat(servers.json().get("items")).extracting(node -> node.get("id").asLong()).containsExactly(myServer.id());
            Reply changes = api.send("GET", "/api/v1/package-changes?limit=500", null, me);
            assertThat(changes.json().get("items")).extracting(node -> node.get("server_id").asLong())
                    .containsOnly(myServer.id());
            Reply all = api.send("GET", "/api/v1/servers?customer_id=" + theirs.id(), null, operator);
            assertThat(all.json().get("items")).extracting(node -> node.get("id").asLong()).containsExactly(theirServer.id());
            // Ids that do not exist and ids that are someone else's look the same.
            Reply missing = api.send("GET", "/api/v1/servers/999999999", null, me);
            Reply foreign = api.send("GET", "/api/v1/servers/" + theirServer.id(), null, me);
            assertThat(missing.status()).isEqualTo(foreign.status()).isEqualTo(404);
            assertThat(foreign.json().get("code").asText()).isEqualTo(missing.json().get("code").asText());
        }
    }

    @TestTemplate
    void fullLifecycle_throughTheApi_changesTheServer(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            Auth me = api.login(api.customerAccount(customer.id()).login());
            Auth operator = api.login(api.operator().login());
            Reply requested = api.send("POST", "/api/v1/servers/" + server.id() + "/package-changes",
                    Map.of("kind", "upgrade_cpu_ram_storage"), me);
            assertThat(requested.status()).isEqualTo(201);
            String path = "/api/v1/package-changes/" + requested.json().get("id").asLong();
            assertThat(api.send("POST", path + "/approve", null, operator).json().get("state").asText()).isEqualTo("approved");
            assertThat(api.send("POST", path + "/schedule", Map.of("scheduled_for", "2030-01-07T05:00:00Z"), operator)
                    .json().get("scheduled_for").asText()).isEqualTo("2030-01-07T05:00:00Z");
            assertThat(api.send("POST", path + "/done", Map.of(), operator).json().get("state").asText()).isEqualTo("done");
            Reply after = api.send("GET", "/api/v1/servers/" + server.id(), null, me);
            assertThat(after.json().get("package").asText()).isEqualTo("plus");
            assertThat(after.json().get("storage_upgraded").asBoolean()).isTrue();
            assertThat(after.json().at("/resources/storage_gib").asInt()).isEqualTo(80);
            Reply audit = api.send("GET", "/api/v1/audit-log?limit=20", null, operator);
            assertThat(audit.json().get("items")).extracting(node -> node.get("action").asText())
                    .contains("package_change.done", "server.package_changed");
            // A downgrade is now refused: storage cannot shrink (PKG-3).
            Reply downgrade = api.send("POST", "/api/v1/servers/" + server.id() + "/package-changes", Map.of("kind", "downgrade"), me);
            assertThat(downgrade.status()).isEqualTo(422);
            assertThat(downgrade.json().get("code").asText()).isEqualTo("storage_upgraded");
        }
    }

    /**
     * Two control-plane instances (each its own pool and server) on one database: an approval
     * through A is visible through B, and approving again through B is a clean 409; racing
     * approvals through both apply exactly once.
     */
    @TestTemplate
    void twoInstances_approveOnA_visibleOnB_secondApproveIs409_raceAppliesOnce(DatabaseExtension.TestDatabase test)
            throws Exception {
        try (TestApi a = new TestApi(test.database()); TestApi b = new TestApi(test.openAnother(4))) {
            Customer customer = a.customer();
            Server server = a.server(customer.id(), a.application().id());
            Account operator = a.operator();
            Auth onA = a.login(operator.login());
            Auth onB = b.login(operator.login());
            Auth customerOnB = Auth.bearer(b.token(b.customerAccount(customer.id())));
            long id = b.send("POST", "/api/v1/servers/" + server.id() + "/package-changes", Map.of("kind", "extra_ipv4"),
                    customerOnB).json().get("id").asLong();

            assertThat(a.send("POST", "/api/v1/package-changes/" + id + "/approve", null, onA).status()).isEqualTo(200);
            Reply seen = b.send("GET", "/api/v1/package-changes/" + id, null, customerOnB);
            assertThat(seen.json().get("state").asText()).isEqualTo("approved");
            Reply again = b.send("POST", "/api/v1/package-changes/" + id + "/approve", null, onB);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("code").asText()).isIn("wrong_state", "state_changed");

            // A fresh request approved through both at once: one 200, one 409, one audit row.
            long raced = b.send("POST", "/api/v1/servers/" + server.id() + "/package-changes", Map.of("kind", "extra_ipv6"),
                    customerOnB).json().get("id").asLong();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<Integer>> approvals = List.of(
                        () -> a.send("POST", "/api/v1/package-changes/" + raced + "/approve", null, onA).status(),
                        () -> b.send("POST", "/api/v1/package-changes/" + raced + "/approve", null, onB).status());
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> status : pool.invokeAll(approvals)) {
                    statuses.add(status.get());
                }
                assertThat(statuses).containsExactlyInAnyOrder(200, 409);
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.deps.audit().forEntity("package_change", raced)).extracting(e -> e.action())
                    .containsExactly("package_change.requested", "package_change.approved");
        }
    }
}
