package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.fleet.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class AgentRepositoryIT {

    private static final String KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq1Jx" + "A".repeat(40);

    @TestTemplate
    void enrol_tradesTokenOnce_storesOnlyHashes_registersDkimKey_credentialAuthenticates(Database database) {
        MovableClock clock = new MovableClock();
        AgentRepository agents = new AgentRepository(database, clock);
        Server server = new Fixtures(database).server();

        EnrolmentToken token = agents.issueEnrolmentToken(OPERATOR, server.id(), AgentRepository.DEFAULT_ENROLMENT_VALIDITY);
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        assertThat(token.toString()).doesNotContain(token.token());
        AgentCredential credential = agents.enrol(token.token(), "nexx", KEY);
        assertThat(credential.serverId()).isEqualTo(server.id());
        assertThat(credential.serverName()).isEqualTo(server.name().toString());
        assertThat(credential.dkimKeyChanged()).isTrue();
        assertThat(credential.toString()).doesNotContain(credential.credential());

        AgentIdentity identity = agents.authenticate(credential.credential()).orElseThrow();
        assertThat(identity.serverId()).isEqualTo(server.id());
        assertThat(identity.actor().toString()).isEqualTo("agent:" + server.name());
        assertThat(agents.authenticate("not-a-credential")).isEmpty();
        Server after = new ServerRepository(database).get(server.id());
        assertThat(after.dkimSelector()).isEqualTo("nexx");
        assertThat(after.dkimPublicKey()).isEqualTo(KEY);
        // Only hashes in the database.
        List<String> stored = database.jdbi().withHandle(h -> h.createQuery(
                "select token_sha256 from enrolment_token union all select token_sha256 from agent_credential")
                .mapTo(String.class).list());
        assertThat(stored).doesNotContain(token.token(), credential.credential())
                .contains(TokenHash.sha256(token.token()), TokenHash.sha256(credential.credential()));

        assertThatThrownBy(() -> agents.enrol(token.token(), "nexx", KEY))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnrolmentRefusedException.Reason.USED));
        assertThatThrownBy(() -> agents.enrol("never-issued", "nexx", KEY))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnrolmentRefusedException.Reason.UNKNOWN));
        EnrolmentToken shortLived = agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> agents.enrol(shortLived.token(), "nexx", KEY))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnrolmentRefusedException.Reason.EXPIRED));
        assertThat(agents.authenticate(credential.credential())).as("refusals change nothing").isPresent();
        assertThat(new AuditLogRepository(database).forEntity("server", server.id())).extracting(AuditEntry::action)
                .containsExactly("server.registered", "agent.enrolment_token_issued", "agent.enrolled",
                        "server.dkim_key_set", "agent.enrolment_token_issued");
        assertThatThrownBy(() -> agents.issueEnrolmentToken(OPERATOR, 999_999, Duration.ofHours(1)))
                .isInstanceOf(UnknownEntityException.class);
        assertThatThrownBy(() -> agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @TestTemplate
    void reEnrolment_revokesTheOldCredential(Database database) {
        AgentRepository agents = new AgentRepository(database);
        Server server = new Fixtures(database).server();
        AgentCredential first = agents.enrol(agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token(),
                "nexx", KEY);
        AgentCredential second = agents.enrol(agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token(),
                "s2", KEY);
        assertThat(agents.authenticate(first.credential())).isEmpty();
        assertThat(agents.authenticate(second.credential())).isPresent();
        assertThat(second.dkimKeyChanged()).as("the selector changed").isTrue();
        AgentCredential third = agents.enrol(agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token(),
                "s2", KEY);
        assertThat(third.dkimKeyChanged()).isFalse();
        assertThat(agents.authenticate(second.credential())).isEmpty();
        assertThat(new ServerRepository(database).get(server.id()).dkimSelector()).isEqualTo("s2");
        assertThat(agents.revokeAll(OPERATOR, server.id())).isEqualTo(1);
        assertThat(agents.authenticate(third.credential())).isEmpty();
    }

    @TestTemplate
    void sameToken_twoConcurrentEnrolments_exactlyOneWins(DatabaseExtension.TestDatabase test) throws Exception {
        AgentRepository onA = new AgentRepository(test.database());
        AgentRepository onB = new AgentRepository(test.openAnother(4));
        Fixtures fixtures = new Fixtures(test.database());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                Server server = fixtures.server();
                String token = onA.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> outcomes = new ArrayList<>();
                for (AgentRepository agents : List.of(onA, onB)) {
                    Callable<String> enrol = () -> {
                        go.await();
                        try {
                            return agents.enrol(token, "nexx", KEY).credential();
                        } catch (EnrolmentRefusedException refused) {
                            return refused.reason().name();
                        }
                    };
                    outcomes.add(pool.submit(enrol));
                }
                go.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get(30, TimeUnit.SECONDS));
                }
                assertThat(results).filteredOn("USED"::equals).hasSize(1);
                String credential = results.stream().filter(r -> !r.equals("USED")).findFirst().orElseThrow();
                assertThat(onB.authenticate(credential).orElseThrow().serverId()).isEqualTo(server.id());
                int credentials = test.database().jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from agent_credential where server_id = ?").bind(0, server.id())
                        .mapTo(Integer.class).one());
                assertThat(credentials).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @TestTemplate
    void rotate_newWorks_oldIsRevoked_rotatingTheOldAgainIsRefused(Database database) {
        AgentRepository agents = new AgentRepository(database);
        Server server = new Fixtures(database).server();
        AgentCredential first = agents.enrol(agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token(),
                "nexx", KEY);
        AgentIdentity identity = agents.authenticate(first.credential()).orElseThrow();
        AgentCredential rotated = agents.rotate(identity);
        assertThat(rotated.credential()).isNotEqualTo(first.credential());
        assertThat(agents.authenticate(first.credential())).isEmpty();
        assertThat(agents.authenticate(rotated.credential()).orElseThrow().serverId()).isEqualTo(server.id());
        assertThatThrownBy(() -> agents.rotate(identity)).isInstanceOf(UnknownEntityException.class);
        assertThat(new AuditLogRepository(database).forEntity("server", server.id())).extracting(AuditEntry::action)
                .endsWith("agent.credential_rotated");
    }

    @TestTemplate
    void heartbeat_upsertsStatus_updatesServer_auditsOnlyChanges(Database database) {
        MovableClock clock = new MovableClock();
        AgentRepository agents = new AgentRepository(database, clock);
        Server server = new Fixtures(database).server();
        AgentIdentity agent = new AgentIdentity(server.id(), server.name().toString(), 0);
        assertThat(agents.status(server.id())).isEmpty();

        AgentHeartbeat beat = new AgentHeartbeat("0.9.0", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", 3600,
                "1.0.0", 2, 5, 1, 1000, 7, 50_000_000_000L);
        agents.recordHeartbeat(agent, beat);
        clock.advance(Duration.ofMinutes(1));
        AgentHeartbeat later = new AgentHeartbeat("0.9.0", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", 3660,
                "1.0.0", 0, 4, 1, 1010, 7, 49_000_000_000L);
        AgentStatus recorded = agents.recordHeartbeat(agent, later);

        AgentStatus status = agents.status(server.id()).orElseThrow();
        assertThat(status).isEqualTo(recorded);
        assertThat(status.heartbeat()).isEqualTo(later);
        assertThat(status.reportedAt()).isEqualTo(clock.instant());
        Server after = new ServerRepository(database).get(server.id());
        assertThat(after.os()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(after.kernel()).isEqualTo("6.1.0-18-amd64");
        assertThat(after.installedVersion()).isEqualTo("1.0.0");
        assertThat(after.lastSeen()).isEqualTo(clock.instant());
        assertThat(new AuditLogRepository(database).forEntity("server", server.id())).extracting(AuditEntry::action)
                .containsExactly("server.registered", "server.reported");
        agents.recordHeartbeat(agent, new AgentHeartbeat("0.9.1", "Debian GNU/Linux 12 (bookworm)", "6.1.0-20-amd64",
                10, "1.0.0", 0, 0, 0, 1010, 7, 1));
        assertThat(new AuditLogRepository(database).forEntity("server", server.id())).extracting(AuditEntry::action)
                .containsExactly("server.registered", "server.reported", "server.reported");
        // Neither path invents a server: the conditional update finds no row, the locked read throws.
        assertThatThrownBy(() -> agents.recordHeartbeat(new AgentIdentity(server.id() + 1_000_000, "gone", 0), later))
                .isInstanceOf(UnknownEntityException.class);
        assertThatThrownBy(() -> new AgentHeartbeat("0.9", "x", "y", -1, null, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @TestTemplate
    void authenticate_recordsLastUseAtMostOnceAMinute(Database database) {
        MovableClock clock = new MovableClock();
        AgentRepository agents = new AgentRepository(database, clock);
        Server server = new Fixtures(database).server();
        AgentCredential credential = agents.enrol(
                agents.issueEnrolmentToken(OPERATOR, server.id(), Duration.ofHours(1)).token(), "nexx", KEY);
        AgentIdentity identity = agents.authenticate(credential.credential()).orElseThrow();
        assertThat(agents.lastUsed(identity.credentialId())).contains(clock.instant());
        var first = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        agents.authenticate(credential.credential()).orElseThrow();
        assertThat(agents.lastUsed(identity.credentialId())).as("within the minute: not written").contains(first);
        clock.advance(Duration.ofSeconds(31));
        agents.authenticate(credential.credential()).orElseThrow();
        assertThat(agents.lastUsed(identity.credentialId())).as("older than a minute: written")
                .contains(clock.instant());
        assertThatThrownBy(() -> agents.lastUsed(999_999_999L)).isInstanceOf(UnknownEntityException.class);
    }

    @TestTemplate
    void issueCredentials_oneWorkingCredentialPerServer_revokesEarlierOnes_allOrNothing(Database database) {
        AgentRepository agents = new AgentRepository(database);
        Fixtures fixtures = new Fixtures(database);
        List<Server> servers = List.of(fixtures.server(), fixtures.server(), fixtures.server());
        List<Long> ids = servers.stream().map(Server::id).toList();
        var first = agents.issueCredentials(OPERATOR, ids);
        assertThat(first.keySet()).containsExactlyElementsOf(ids);
        for (Server server : servers) {
            AgentIdentity identity = agents.authenticate(first.get(server.id())).orElseThrow();
            assertThat(identity.serverId()).isEqualTo(server.id());
            assertThat(identity.serverName()).isEqualTo(server.name().toString());
        }
        assertThat(new HashSet<>(first.values())).hasSize(3);
        List<String> stored = database.jdbi().withHandle(h -> h.createQuery("select token_sha256 from agent_credential")
                .mapTo(String.class).list());
        assertThat(stored).doesNotContainAnyElementsOf(first.values())
                .contains(TokenHash.sha256(first.get(ids.get(0))));

        var second = agents.issueCredentials(OPERATOR, ids.subList(0, 1));
        assertThat(agents.authenticate(first.get(ids.get(0)))).as("revoked").isEmpty();
        assertThat(agents.authenticate(second.get(ids.get(0)))).isPresent();
        assertThat(agents.authenticate(first.get(ids.get(1)))).isPresent();

        assertThatThrownBy(() -> agents.issueCredentials(OPERATOR, List.of(ids.get(1), 999_999_999L)))
                .isInstanceOf(UnknownEntityException.class);
        assertThat(agents.authenticate(first.get(ids.get(1)))).as("nothing stored on failure").isPresent();
        assertThat(new AuditLogRepository(database).forEntity("server", ids.get(0))).extracting(AuditEntry::action)
                .containsExactly("server.registered", "agent.credential_issued", "agent.credential_issued");
        assertThat(agents.issueCredentials(OPERATOR, List.of())).isEmpty();
    }
}
