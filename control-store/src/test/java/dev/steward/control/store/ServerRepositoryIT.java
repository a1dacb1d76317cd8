package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
class ServerRepositoryIT {

    @TestTemplate
    void register_roundTripsWithIncludedAddresses(Database database) {
        Server server = new Fixtures(database).server();
        var servers = new ServerRepository(database);
        assertThat(servers.get(server.id())).isEqualTo(server);
        assertThat(servers.findByName(server.name().toString().toUpperCase())).contains(server);
        assertThat(servers.addresses(server.id())).hasSize(2)
                .allSatisfy(address -> assertThat(address.extra()).isFalse());
    }

    @TestTemplate
    void register_duplicateName_isDuplicateNameException(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Server server = fixtures.server();
        int n = Fixtures.next();
        var again = new ServerRegistration(Server.register(server.name(), server.customerId(), server.applicationId(),
                "other.customer.example"), Fixtures.ipv4(n), "2001:db8:9::" + Integer.toHexString(n));
        assertThatThrownBy(() -> new ServerRepository(database).register(OPERATOR, again))
                .isInstanceOf(DuplicateNameException.class).hasMessageContaining(server.name().toString());
    }

    @TestTemplate
    void register_unknownCustomer_isUnknownEntity(Database database) {
        Application application = new Fixtures(database).application();
        int n = Fixtures.next();
        var registration = new ServerRegistration(Server.register(
                ServerName.parse(String.format("cln%03d-tst-app001.hosting.example", n)), 99_999_999L,
                application.id(), "x.customer.example"), Fixtures.ipv4(n), "2001:db8:8::1");
        assertThatThrownBy(() -> new ServerRepository(database).register(OPERATOR, registration))
                .isInstanceOf(UnknownEntityException.class).hasMessage("no customer 99999999");
    }

    @TestTemplate
    void agentReport_auditedOnlyWhenSomethingChanged(Database database) {
        Server server = new Fixtures(database).server();
        var servers = new ServerRepository(database);
        Actor agent = Actor.agent(server.name().toString());
        Instant seen = Instant.parse("2026-11-30T05:00:00Z");
        servers.recordAgentReport(agent, server.id(), "8.1.0", "Debian 12.8", "6.1.0-28-amd64", seen);
        servers.recordAgentReport(agent, server.id(), "8.1.0", "Debian 12.8", "6.1.0-28-amd64", seen.plusSeconds(60));
        Server after = servers.get(server.id());
        assertThat(after.lastSeen()).isEqualTo(seen.plusSeconds(60));
        assertThat(after.installedVersion()).isEqualTo("8.1.0");
        assertThat(new AuditLogRepository(database).forEntity("server", server.id()))
                .extracting(AuditEntry::action).containsExactly("server.registered", "server.reported");
    }

    @TestTemplate
    @Timeout(120)
    void tenThousandServers_batchInsert_pageThroughWithFilters(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Customer big = fixtures.customer();
        Customer small = fixtures.customer();
        Application unifi = fixtures.application();
        Application wiki = fixtures.application();
        int base = 200_000 + Fixtures.next() * 10;   // distinct from other tests' names and addresses
        List<ServerRegistration> registrations = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int n = base + i;
            Customer customer = i % 10 == 0 ? small : big;
            Application application = i % 2 == 0 ? unifi : wiki;
            String role = i % 4 == 0 ? "tst" : "prd";
            ServerName name = ServerName.parse(String.format("cln%06d-%s-app%03d.fleet.example", n, role, i % 1000));
            registrations.add(new ServerRegistration(Server.register(name, customer.id(), application.id(),
                    (i == 4242 ? "needle" : "app" + i) + ".c" + n + ".example"),
                    "172." + (16 + (n >> 16 & 15)) + "." + (n >> 8 & 255) + "." + (n & 255),
                    "2001:db8:f::" + Integer.toHexString(n & 0xffff) + ":" + Integer.toHexString(n >> 16)));
        }
        var servers = new ServerRepository(database);
        assertThat(servers.registerAll(OPERATOR, registrations)).hasSize(10_000);

        // Every server of the big customer, page by page, each exactly once, in name order.
        ServerQuery query = new ServerQuery(big.id(), null, null, null, null, 500);
        Set<Long> seen = new HashSet<>();
        String previous = "";
        int pages = 0;
        Page<Server> page;
        do {
            page = servers.search(query);
            assertThat(page.total()).isEqualTo(9_000);
            for (Server server : page.items()) {
                assertThat(server.name().toString()).isGreaterThan(previous);
                previous = server.name().toString();
                assertThat(seen.add(server.id())).isTrue();
            }
            query = query.after(page.nextCursor());
            pages++;
        } while (page.nextCursor() != null);
        assertThat(seen).hasSize(9_000);
        assertThat(pages).isEqualTo(18);

        // Filters combine: small customer (i % 10 == 0, so even: unifi) and test role (i % 4 == 0).
        Page<Server> smallTest = servers.search(new ServerQuery(small.id(), unifi.id(), ServerRole.TEST, null, null, 500));
        assertThat(smallTest.total()).isEqualTo(500);
        assertThat(smallTest.items()).allSatisfy(server -> {
            assertThat(server.role()).isEqualTo(ServerRole.TEST);
            assertThat(server.customerId()).isEqualTo(small.id());
        });
        assertThat(servers.search(new ServerQuery(null, wiki.id(), null, null, null, 1)).total()).isEqualTo(5_000);

        // Substring search on the app host and on the name; LIKE wildcards are literal.
        assertThat(servers.search(new ServerQuery(null, null, null, "NEEDLE", null, 10)).items())
                .singleElement().satisfies(server -> assertThat(server.appHost()).startsWith("needle."));
        String oneName = registrations.get(777).server().name().toString();
        assertThat(servers.search(new ServerQuery(null, null, null, oneName.substring(0, 17), null, 10)).items())
                .extracting(server -> server.name().toString()).contains(oneName);
        assertThat(servers.search(new ServerQuery(null, null, null, "%", null, 10)).total()).isZero();
        // A match never spans name and app host (they are joined by '/' in the search table).
        assertThat(servers.search(new ServerQuery(null, null, null, ".fleet.example/", null, 10)).total()).isZero();

        // A search that matches many, combined with filters, paged: every match once, in name order.
        // "-tst-" is in the names with i % 4 == 0; the small customer's are i % 10 == 0: i % 20 == 0.
        ServerQuery searched = new ServerQuery(small.id(), null, null, "-TST-", null, 120);
        Set<Long> found = new HashSet<>();
        String last = "";
        int searchPages = 0;
        do {
            page = servers.search(searched);
            assertThat(page.total()).isEqualTo(500);
            for (Server server : page.items()) {
                assertThat(server.name().toString()).contains("-tst-").isGreaterThan(last);
                assertThat(server.customerId()).isEqualTo(small.id());
                last = server.name().toString();
                assertThat(found.add(server.id())).isTrue();
            }
            searched = searched.after(page.nextCursor());
            searchPages++;
        } while (page.nextCursor() != null);
        assertThat(found).hasSize(500);
        assertThat(searchPages).isEqualTo(5);
        assertThat(servers.search(new ServerQuery(null, wiki.id(), ServerRole.TEST, "-tst-", null, 10)).total())
                .as("wiki servers are odd i, test servers i % 4 == 0").isZero();

        if (database.kind() == Database.Kind.POSTGRESQL) {
            // On PostgreSQL the substring search is served by the trigram index (db/postgresql).
            String plan = database.jdbi().withHandle(handle -> {
                // VACUUM as autovacuum would: it moves the 10,000 new rows from the GIN index's
                // pending list into the index proper (until then the planner rightly prefers a scan).
                handle.execute("vacuum analyze server_search");
                return String.join("\n", handle.createQuery(
                                "explain select server_id, name from server_search where haystack like :p escape '!'")
                        .bind("p", "%needle%").mapTo(String.class).list());
            });
            assertThat(plan).contains("server_search_trgm_ix");
        }
    }
}
