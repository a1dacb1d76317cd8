package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.CUSTOMER;
import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.change.InvalidTransitionException;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.change.PackageChangeRefusedException;
import dev.steward.control.core.change.RequestState;
import dev.steward.control.core.fleet.AddressFamily;
import dev.steward.control.core.fleet.PackageState;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
class PackageChangeRepositoryIT {

    private static final Actor AGENT = Actor.agent("cln042-prd-app001.hosting.example");

    @TestTemplate
    void upgradeWithStorage_fullLifecycle_changesServerAndLeavesAuditTrail(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);

        PackageChange requested = changes.request(CUSTOMER, server.id(), PackageChangeKind.UPGRADE_CPU_RAM_STORAGE);
        assertThat(requested.state()).isEqualTo(RequestState.REQUESTED);
        assertThat(requested.requestedBy()).isEqualTo("customer:it@jouwfirma.example");
        assertThat(changes.approve(OPERATOR, requested.id()).state()).isEqualTo(RequestState.APPROVED);
        Instant when = Instant.parse("2026-12-07T05:00:00Z");
        PackageChange scheduled = changes.schedule(OPERATOR, requested.id(), when);
        assertThat(scheduled.scheduledFor()).isEqualTo(when);
        PackageChange done = changes.complete(AGENT, requested.id(), null);

        assertThat(done.state()).isEqualTo(RequestState.DONE);
        assertThat(done.doneBy()).isEqualTo(AGENT.toString());
        assertThat(done.decidedBy()).isEqualTo(OPERATOR.toString());
        assertThat(new ServerRepository(database).get(server.id()).packageState())
                .isEqualTo(new PackageState(Tier.PLUS, true, false));
        assertThat(new AuditLogRepository(database).forEntity("package_change", requested.id()))
                .extracting(AuditEntry::action)
                .containsExactly("package_change.requested", "package_change.approved", "package_change.scheduled",
                        "package_change.done");
        assertThat(new AuditLogRepository(database).forEntity("server", server.id()))
                .extracting(AuditEntry::action).containsExactly("server.registered", "server.package_changed");
    }

    @TestTemplate
    void downgrade_afterStorageUpgrade_refusedWithReason(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);
        runToDone(changes, server.id(), PackageChangeKind.UPGRADE_CPU_RAM_STORAGE, null);

        assertThatThrownBy(() -> changes.request(CUSTOMER, server.id(), PackageChangeKind.DOWNGRADE))
                .isInstanceOfSatisfying(PackageChangeRefusedException.class, e -> {
                    assertThat(e.refusal().code()).isEqualTo("storage_upgraded");
                    assertThat(e.refusal().reason().nl()).contains("niet kan krimpen");
                })
                .hasMessageContaining("because storage was upgraded and cannot shrink");
        assertThat(changes.forServer(server.id())).hasSize(1);
    }

    @TestTemplate
    void downgrade_afterCpuRamUpgrade_allowedAndBackToStandard(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);
        runToDone(changes, server.id(), PackageChangeKind.UPGRADE_CPU_RAM, null);
        assertThat(new ServerRepository(database).get(server.id()).packageState().tier()).isEqualTo(Tier.PLUS);
        runToDone(changes, server.id(), PackageChangeKind.DOWNGRADE, null);
        assertThat(new ServerRepository(database).get(server.id()).packageState()).isEqualTo(PackageState.INITIAL);
    }

    @TestTemplate
    void extraAddresses_ipv4BillableIpv6Free(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);
        int n = Fixtures.next();
        runToDone(changes, server.id(), PackageChangeKind.EXTRA_IPV4, Fixtures.ipv4(n));
        runToDone(changes, server.id(), PackageChangeKind.EXTRA_IPV6, "2001:db8:1::" + Integer.toHexString(n));

        List<ServerAddress> addresses = new ServerRepository(database).addresses(server.id());
        assertThat(addresses).hasSize(4);
        assertThat(addresses.subList(2, 4)).containsExactly(
                new ServerAddress(AddressFamily.IPV4, Fixtures.ipv4(n), true, true),
                new ServerAddress(AddressFamily.IPV6, "2001:db8:1::" + Integer.toHexString(n), true, false));
    }

    @TestTemplate
    void secondOpenUpgrade_refused(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);
        changes.request(CUSTOMER, server.id(), PackageChangeKind.UPGRADE_CPU_RAM);
        assertThatThrownBy(() -> changes.request(CUSTOMER, server.id(), PackageChangeKind.UPGRADE_CPU_RAM_STORAGE))
                .isInstanceOfSatisfying(PackageChangeRefusedException.class,
                        e -> assertThat(e.refusal().code()).isEqualTo("package_change_open"));
    }

    @TestTemplate
    void customerCannotApprove_andInvalidTransitionsRefused(Database database) {
        Server server = new Fixtures(database).server();
        var changes = new PackageChangeRepository(database);
        PackageChange request = changes.request(CUSTOMER, server.id(), PackageChangeKind.DEDICATED_VCPU);

        assertThatThrownBy(() -> changes.approve(CUSTOMER, request.id()))
                .isInstanceOfSatisfying(InvalidTransitionException.class,
                        e -> assertThat(e.refusal().code()).isEqualTo("actor_not_allowed"));
        assertThatThrownBy(() -> changes.complete(OPERATOR, request.id(), null))
                .isInstanceOf(InvalidTransitionException.class).hasMessageContaining("cannot be done");
        assertThatThrownBy(() -> changes.request(AGENT, server.id(), PackageChangeKind.EXTRA_IPV4))
                .isInstanceOf(InvalidTransitionException.class);

        PackageChange refused = changes.refuse(OPERATOR, request.id(), "Not available on this host; call us.");
        assertThat(refused.state()).isEqualTo(RequestState.REFUSED);
        assertThat(refused.refusalReason()).isEqualTo("Not available on this host; call us.");
        assertThatThrownBy(() -> changes.approve(OPERATOR, request.id()))
                .isInstanceOf(InvalidTransitionException.class).hasMessageContaining("refused");
        assertThat(new ServerRepository(database).get(server.id()).packageState().dedicatedVcpu()).isFalse();
    }

    @TestTemplate
    void unknownRequest_andUnknownServer(Database database) {
        var changes = new PackageChangeRepository(database);
        assertThatThrownBy(() -> changes.approve(OPERATOR, 987_654_321L)).isInstanceOf(UnknownEntityException.class);
        assertThatThrownBy(() -> changes.request(CUSTOMER, 987_654_321L, PackageChangeKind.EXTRA_IPV6))
                .isInstanceOf(UnknownEntityException.class).hasMessage("no server 987654321");
    }

    @TestTemplate
    @Timeout(60)
    void twoInstancesRacingApprove_exactlyOneWins(DatabaseExtension.TestDatabase test) throws Exception {
        Server server = new Fixtures(test.database()).server();
        long id = new PackageChangeRepository(test.database())
                .request(CUSTOMER, server.id(), PackageChangeKind.UPGRADE_CPU_RAM).id();
        List<Object> outcomes = race(test, (repository, actor) -> repository.approve(actor, id));
        assertExactlyOneWinner(outcomes);
        assertThat(new AuditLogRepository(test.database()).forEntity("package_change", id))
                .extracting(AuditEntry::action).containsExactly("package_change.requested", "package_change.approved");
    }

    @TestTemplate
    @Timeout(60)
    void twoInstancesRacingDone_exactlyOneWins_addressAddedOnce(DatabaseExtension.TestDatabase test) throws Exception {
        Server server = new Fixtures(test.database()).server();
        var changes = new PackageChangeRepository(test.database());
        long id = changes.request(CUSTOMER, server.id(), PackageChangeKind.EXTRA_IPV6).id();
        changes.approve(OPERATOR, id);
        changes.schedule(OPERATOR, id, Instant.parse("2026-12-07T05:00:00Z"));
        String address = "2001:db8:2::" + Integer.toHexString(Fixtures.next());
        List<Object> outcomes = race(test, (repository, actor) -> repository.complete(actor, id, address));
        assertExactlyOneWinner(outcomes);
        assertThat(new ServerRepository(test.database()).addresses(server.id())).hasSize(3);
    }

    private static List<Object> race(DatabaseExtension.TestDatabase test,
                                     BiFunction<PackageChangeRepository, Actor, PackageChange> transition)
            throws Exception {
        List<PackageChangeRepository> instances = List.of(
                new PackageChangeRepository(test.openAnother(2)), new PackageChangeRepository(test.openAnother(2)));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < instances.size(); i++) {
                PackageChangeRepository repository = instances.get(i);
                Actor actor = Actor.operator("operator" + i + "@provider.example");
                Callable<Object> task = () -> {
                    start.await();
                    try {
                        return transition.apply(repository, actor);
                    } catch (RuntimeException e) {
                        return e;
                    }
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(30, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertExactlyOneWinner(List<Object> outcomes) {
        assertThat(outcomes).filteredOn(PackageChange.class::isInstance).hasSize(1);
        // The loser either read the old state and lost the conditional update, or read the new
        // state and was refused by the state machine: never applied twice.
        assertThat(outcomes).filteredOn(o -> !(o instanceof PackageChange))
                .singleElement()
                .satisfies(o -> assertThat(o).isInstanceOfAny(RequestStateChangedException.class,
                        InvalidTransitionException.class));
    }

    static void runToDone(PackageChangeRepository changes, long serverId, PackageChangeKind kind, String address) {
        long id = changes.request(CUSTOMER, serverId, kind).id();
        changes.approve(OPERATOR, id);
        changes.schedule(OPERATOR, id, Instant.parse("2026-12-07T05:00:00Z"));
        changes.complete(OPERATOR, id, address);
    }

    @TestTemplate
    void list_byCustomerAndState_newestFirst_paged(Database database) {
        Fixtures fixtures = new Fixtures(database);
        Server mine = fixtures.server();
        Server theirs = fixtures.server();
        var changes = new PackageChangeRepository(database);
        PackageChange first = changes.request(CUSTOMER, mine.id(), PackageChangeKind.EXTRA_IPV6);
        PackageChange second = changes.request(CUSTOMER, mine.id(), PackageChangeKind.EXTRA_IPV4);
        PackageChange other = changes.request(OPERATOR, theirs.id(), PackageChangeKind.EXTRA_IPV6);
        changes.approve(OPERATOR, first.id());

        assertThat(changes.list(mine.customerId(), null, null, 10)).extracting(PackageChange::id)
                .containsExactly(second.id(), first.id());
        assertThat(changes.list(mine.customerId(), RequestState.APPROVED, null, 10)).extracting(PackageChange::id)
                .containsExactly(first.id());
        assertThat(changes.list(mine.customerId(), null, second.id(), 10)).extracting(PackageChange::id)
                .containsExactly(first.id());
        assertThat(changes.list(null, null, null, 500)).extracting(PackageChange::id)
                .contains(first.id(), second.id(), other.id());
        assertThat(changes.list(mine.customerId(), null, null, 1)).hasSize(1);
        assertThatThrownBy(() -> changes.list(null, null, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
