package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.change.Decision;
import dev.steward.control.core.change.InvalidTransitionException;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.change.PackageChangeRefusedException;
import dev.steward.control.core.change.PackageRules;
import dev.steward.control.core.change.RequestAction;
import dev.steward.control.core.change.RequestState;
import dev.steward.control.core.change.RequestStateMachine;
import dev.steward.control.core.change.ServerChange;
import dev.steward.control.core.fleet.Server;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Package-change requests and their transitions (PKG-2..PKG-5).
 *
 * <p><b>Concurrency.</b> Several control-plane instances share one database and keep nothing in
 * memory, so every transition is decided on the row as read and then applied as a conditional
 * update, {@code update package_change set state = :to … where id = :id and state = :from}. If
 * another instance (or operator) moved the request first, the update matches no row and the
 * caller gets {@link RequestStateChangedException}: of two racing approvals, or two racing
 * "done"s, exactly one is applied. Requests and completions also lock the server row
 * ({@code select … for update}) so that the package rules are checked against a server state no
 * other transaction is changing.
 *
 * <p><b>Audit.</b> Each method writes its audit row in the same transaction as the change.
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class PackageChangeRepository {

    private static final RowMapper<PackageChange> MAPPER = (rs, ctx) -> new PackageChange(rs.getLong("id"),
            rs.getLong("server_id"), PackageChangeKind.valueOf(rs.getString("kind")),
            RequestState.valueOf(rs.getString("state")), rs.getString("requested_by"), Sql.instant(rs, "requested_at"),
            rs.getString("decided_by"), Sql.instant(rs, "decided_at"), rs.getString("refusal_reason"),
            Sql.instant(rs, "scheduled_for"), rs.getString("done_by"), Sql.instant(rs, "done_at"),
            rs.getString("assigned_address"));

    private final Database database;
    private final PackageRules rules = new PackageRules();
    private final RequestStateMachine machine = new RequestStateMachine();

    /** @param database where requests live */
    public PackageChangeRepository(Database database) {
        this.database = database;
    }

    /**
     * Records a new request, after checking the package rules against the server as it is now.
     *
     * @throws PackageChangeRefusedException if the rules refuse it (with the reason in words)
     * @throws InvalidTransitionException if {@code actor} may not ask for package changes
     * @throws UnknownEntityException if there is no such server
     */
    public PackageChange request(Actor actor, long serverId, PackageChangeKind kind) {
        if (machine.mayRequest(actor.kind()) instanceof Decision.Refused refused) {
            throw new InvalidTransitionException(refused);
        }
        return database.jdbi().inTransaction(handle -> {
            Server server = ServerRepository.lock(handle, serverId);
            if (rules.decide(server.packageState(), kind, openKinds(handle, serverId, 0))
                    instanceof Decision.Refused refused) {
                throw new PackageChangeRefusedException(kind, refused);
            }
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into package_change (server_id, kind, state, requested_by, requested_at)
                            values (:serverId, :kind, 'REQUESTED', :actor, :now)
                            """)
                    .bind("serverId", serverId).bind("kind", kind.name()).bind("actor", actor.toString())
                    .bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            AuditLogRepository.append(handle, now, actor, "package_change.requested", "package_change", id,
                    "server_id", serverId, "server", server.name().toString(), "kind", kind);
            return get(handle, id);
        });
    }

    /**
     * REQUESTED → APPROVED, by an operator; the rules are checked again, because the server may
     * have changed since the request.
     *
     * @throws InvalidTransitionException if not REQUESTED, or the actor is not an operator
     * @throws PackageChangeRefusedException if the rules no longer allow it
     * @throws RequestStateChangedException if another instance changed it first
     */
    public PackageChange approve(Actor actor, long requestId) {
        return database.jdbi().inTransaction(handle -> {
            PackageChange current = get(handle, requestId);
            machine.require(current.state(), RequestAction.APPROVE, actor.kind());
            Instant now = Sql.now(database);
            // The conditional update comes first: a racing instance blocks on the row and then
            // matches nothing, so the loser learns that the state changed, not some later effect.
            move(handle, current, RequestAction.APPROVE, """
                            update package_change set state = :to, decided_by = :actor, decided_at = :now
                            where id = :id and state = :from
                            """, actor, now, null);
            Server server = ServerRepository.lock(handle, current.serverId());
            if (rules.decide(server.packageState(), current.kind(), openKinds(handle, server.id(), requestId))
                    instanceof Decision.Refused refused) {
                throw new PackageChangeRefusedException(current.kind(), refused);
            }
            AuditLogRepository.append(handle, now, actor, "package_change.approved", "package_change", requestId,
                    "from", current.state(), "to", RequestState.APPROVED);
            return get(handle, requestId);
        });
    }

    /**
     * REQUESTED → REFUSED, by an operator, with the reason the customer will read.
     *
     * @throws InvalidTransitionException if not REQUESTED, or the actor is not an operator
     * @throws RequestStateChangedException if another instance changed it first
     */
    public PackageChange refuse(Actor actor, long requestId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw new IllegalArgumentException("a refusal needs a reason of 1..2000 characters");
        }
        return database.jdbi().inTransaction(handle -> {
            PackageChange current = get(handle, requestId);
            machine.require(current.state(), RequestAction.REFUSE, actor.kind());
            Instant now = Sql.now(database);
            int rows = handle.createUpdate("""
                            update package_change set state = :to, decided_by = :actor, decided_at = :now,
                                   refusal_reason = :reason
                            where id = :id and state = :from
                            """)
                    .bind("to", RequestState.REFUSED.name()).bind("from", current.state().name())
                    .bind("actor", actor.toString()).bind("now", now).bind("reason", reason.strip())
                    .bind("id", requestId).execute();
            checkMoved(handle, current, rows);
            AuditLogRepository.append(handle, now, actor, "package_change.refused", "package_change", requestId,
                    "from", current.state(), "to", RequestState.REFUSED, "reason", reason.strip());
            return get(handle, requestId);
        });
    }

    /**
     * APPROVED → SCHEDULED, by an operator or the scheduler, for a moment.
     *
     * @throws InvalidTransitionException if not APPROVED, or by the wrong actor
     * @throws RequestStateChangedException if another instance changed it first
     */
    public PackageChange schedule(Actor actor, long requestId, Instant when) {
        java.util.Objects.requireNonNull(when, "when");
        return database.jdbi().inTransaction(handle -> {
            PackageChange current = get(handle, requestId);
            machine.require(current.state(), RequestAction.SCHEDULE, actor.kind());
            Instant now = Sql.now(database);
            move(handle, current, RequestAction.SCHEDULE, """
                            update package_change set state = :to, scheduled_for = :when
                            where id = :id and state = :from
                            """, actor, now, when);
            AuditLogRepository.append(handle, now, actor, "package_change.scheduled", "package_change", requestId,
                    "from", current.state(), "to", RequestState.SCHEDULED, "scheduled_for", when);
            return get(handle, requestId);
        });
    }

    /**
     * SCHEDULED → DONE, by the operator or agent who carried it out; applies the change to the
     * server (tier, storage, dedicated vCPU, or the extra address) in the same transaction.
     *
     * @param assignedAddress the new address for {@code EXTRA_IPV4}/{@code EXTRA_IPV6}; {@code null}
     *     for the other kinds
     * @throws InvalidTransitionException if not SCHEDULED, or by the wrong actor
     * @throws RequestStateChangedException if another instance marked it done first
     * @throws DuplicateNameException if the assigned address belongs to a server already
     */
    public PackageChange complete(Actor actor, long requestId, String assignedAddress) {
        return Sql.uniqueName("address", String.valueOf(assignedAddress), () -> database.jdbi().inTransaction(handle -> {
            PackageChange current = get(handle, requestId);
            machine.require(current.state(), RequestAction.COMPLETE, actor.kind());
            Instant now = Sql.now(database);
            // Claim the request first (see approve); the rules' refusal below rolls the claim back.
            int rows = handle.createUpdate("""
                            update package_change set state = :to, done_by = :actor, done_at = :now
                            where id = :id and state = :from
                            """)
                    .bind("to", RequestState.DONE.name()).bind("from", current.state().name())
                    .bind("actor", actor.toString()).bind("now", now).bind("id", requestId).execute();
            checkMoved(handle, current, rows);
            Server server = ServerRepository.lock(handle, current.serverId());
            ServerChange change = rules.onDone(server.packageState(), current.kind(), assignedAddress);
            String address = change.addedAddress().map(a -> a.address()).orElse(null);
            if (address != null) {
                handle.createUpdate("update package_change set assigned_address = :address where id = :id")
                        .bind("address", address).bind("id", requestId).execute();
            }
            ServerRepository.applyPackageState(handle, server.id(), change.packageState(), now);
            change.addedAddress().ifPresent(added -> ServerRepository.addAddress(handle, server.id(), added, now));
            AuditLogRepository.append(handle, now, actor, "package_change.done", "package_change", requestId,
                    "from", current.state(), "to", RequestState.DONE, "kind", current.kind());
            AuditLogRepository.append(handle, now, actor, "server.package_changed", "server", server.id(),
                    "package_change_id", requestId, "tier", change.packageState().tier(),
                    "storage_upgraded", change.packageState().storageUpgraded(),
                    "dedicated_vcpu", change.packageState().dedicatedVcpu(), "added_address", address,
                    "billable", change.addedAddress().map(a -> a.billable()).orElse(null));
            return get(handle, requestId);
        }));
    }

    /** The request with {@code id}, if any. */
    public Optional<PackageChange> find(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from package_change where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** A server's requests, newest first. */
    public List<PackageChange> forServer(long serverId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from package_change where server_id = :id order by id desc
                        """)
                .bind("id", serverId).map(MAPPER).list());
    }

    /** Requests in {@code state}, oldest first (an operator's queue, an agent's work list). */
    public List<PackageChange> inState(RequestState state, int limit) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from package_change where state = :state order by id limit :limit
                        """)
                .bind("state", state.name()).bind("limit", limit).map(MAPPER).list());
    }

    /**
     * A page of requests, newest first, optionally limited to one customer's servers and one state.
     *
     * @param customerId only requests for this customer's servers; {@code null} for all
     * @param state only requests in this state; {@code null} for all
     * @param beforeId only requests with a smaller id (the last id of the previous page); {@code null}
     *     for the first page
     * @param limit 1..500
     */
    public List<PackageChange> list(Long customerId, RequestState state, Long beforeId, int limit) {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be 1..500, not " + limit);
        }
        // The optional filters are constants chosen here, never input; values are bound.
        String sql = "select p.* from package_change p join server s on s.id = p.server_id where p.id < :before"
                + (customerId == null ? "" : " and s.customer_id = :customer")
                + (state == null ? "" : " and p.state = :state")
                + " order by p.id desc limit :limit";
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery(sql).bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                    .bind("limit", limit);
            if (customerId != null) {
                query.bind("customer", customerId.longValue());
            }
            if (state != null) {
                query.bind("state", state.name());
            }
            return query.map(MAPPER).list();
        });
    }

    private void move(Handle handle, PackageChange current, RequestAction action, String sql, Actor actor,
                      Instant now, Instant when) {
        var update = handle.createUpdate(sql)
                .bind("to", action.to().name()).bind("from", current.state().name()).bind("id", current.id());
        if (sql.contains(":actor")) {
            update.bind("actor", actor.toString());
        }
        if (sql.contains(":now")) {
            update.bind("now", now);
        }
        if (sql.contains(":when")) {
            update.bind("when", when);
        }
        checkMoved(handle, current, update.execute());
    }

    private static void checkMoved(Handle handle, PackageChange current, int rows) {
        if (rows != 1) {
            RequestState now = handle.createQuery("select state from package_change where id = :id")
                    .bind("id", current.id()).mapTo(String.class).findOne()
                    .map(RequestState::valueOf).orElse(null);
            throw new RequestStateChangedException(current.id(), current.state(), now);
        }
    }

    private static PackageChange get(Handle handle, long id) {
        return handle.createQuery("select * from package_change where id = :id").bind("id", id).map(MAPPER).findOne()
                .orElseThrow(() -> new UnknownEntityException("package change", id));
    }

    private static Set<PackageChangeKind> openKinds(Handle handle, long serverId, long excludeId) {
        Set<PackageChangeKind> kinds = EnumSet.noneOf(PackageChangeKind.class);
        handle.createQuery("""
                        select kind from package_change
                        where server_id = :serverId and state in ('REQUESTED', 'APPROVED', 'SCHEDULED') and id <> :exclude
                        """)
                .bind("serverId", serverId).bind("exclude", excludeId)
                .mapTo(String.class).forEach(kind -> kinds.add(PackageChangeKind.valueOf(kind)));
        return kinds;
    }
}
