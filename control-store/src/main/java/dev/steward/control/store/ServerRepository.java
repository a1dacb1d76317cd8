package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.fleet.AddressFamily;
import dev.steward.control.core.fleet.PackageState;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Servers and their addresses.
 *
 * <p><b>Paging.</b> {@link #search} pages by keyset on the (unique) server name, so a page costs
 * the same at server 9,950 as at server 1 and rows inserted meanwhile never shift pages. Filters by
 * customer, application and role use the composite indexes {@code (column, name)}; the substring
 * search scans, which is milliseconds for tens of thousands of rows and needs no
 * database-specific index type.
 *
 * <p><b>Audit.</b> Registration, package-state changes, addresses and DKIM keys are audited. The
 * agent's periodic report is audited only when the version, OS or kernel changed; a bare
 * "last seen" update is not, or the log would grow by a row per server per report.
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class ServerRepository {

    static final RowMapper<Server> MAPPER = (rs, ctx) -> new Server(rs.getLong("id"),
            ServerName.parse(rs.getString("name")), rs.getLong("customer_id"), rs.getLong("application_id"),
            ServerRole.valueOf(rs.getString("role")), rs.getString("app_host"),
            new PackageState(Tier.valueOf(rs.getString("tier")), rs.getBoolean("storage_upgraded"),
                    rs.getBoolean("dedicated_vcpu")),
            rs.getString("dkim_selector"), rs.getString("dkim_public_key"), rs.getString("installed_version"),
            rs.getString("os"), rs.getString("kernel"), Sql.instant(rs, "last_seen_at"));

    private static final RowMapper<ServerAddress> ADDRESS_MAPPER = (rs, ctx) -> new ServerAddress(
            AddressFamily.valueOf(rs.getString("family")), rs.getString("address"), rs.getBoolean("extra"),
            rs.getBoolean("billable"));

    private final Database database;

    /** @param database where servers live */
    public ServerRepository(Database database) {
        this.database = database;
    }

    /**
     * Registers one server with its two included addresses.
     *
     * @throws DuplicateNameException if the name or an address is taken
     * @throws UnknownEntityException if the customer or application does not exist
     */
    public Server register(Actor actor, ServerRegistration registration) {
        return registerAll(actor, List.of(registration)).getFirst();
    }

    /**
     * Registers many servers in one transaction with batched statements (an import of a fleet).
     *
     * @return the servers with their ids, in order
     * @throws DuplicateNameException if a name or an address is taken; nothing is stored then
     * @throws UnknownEntityException if a customer or application does not exist
     */
    public List<Server> registerAll(Actor actor, List<ServerRegistration> registrations) {
        if (registrations.isEmpty()) {
            return List.of();
        }
        String firstName = registrations.getFirst().server().name().toString();
        String what = registrations.size() == 1 ? firstName : firstName + " (or another of " + registrations.size() + ")";
        return Sql.uniqueName("server or address", what, () -> database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            checkReferences(handle, registrations);
            var insert = handle.prepareBatch("""
                    insert into server (name, customer_id, application_id, role, app_host, tier, storage_upgraded,
                                        dedicated_vcpu, dkim_selector, dkim_public_key, installed_version, os, kernel,
                                        last_seen_at, created_at, updated_at)
                    values (:name, :customerId, :applicationId, :role, :appHost, :tier, :storageUpgraded,
                            :dedicatedVcpu, :dkimSelector, :dkimPublicKey, :installedVersion, :os, :kernel,
                            :lastSeen, :now, :now)
                    """);
            for (ServerRegistration registration : registrations) {
                Server server = registration.server();
                insert.bind("name", server.name().toString())
                        .bind("customerId", server.customerId())
                        .bind("applicationId", server.applicationId())
                        .bind("role", server.role().name())
                        .bind("appHost", server.appHost())
                        .bind("tier", server.packageState().tier().name())
                        .bind("storageUpgraded", server.packageState().storageUpgraded())
                        .bind("dedicatedVcpu", server.packageState().dedicatedVcpu())
                        .bind("dkimSelector", server.dkimSelector())
                        .bind("dkimPublicKey", server.dkimPublicKey())
                        .bind("installedVersion", server.installedVersion())
                        .bind("os", server.os())
                        .bind("kernel", server.kernel())
                        .bindByType("lastSeen", server.lastSeen(), Instant.class)
                        .bind("now", now)
                        .add();
            }
            List<Long> ids = insert.executePreparedBatch("id").mapTo(Long.class).list();
            var addresses = handle.prepareBatch("""
                    insert into server_address (server_id, family, address, extra, billable, created_at)
                    values (:serverId, :family, :address, false, false, :now)
                    """);
            var audit = new ArrayList<Server>(registrations.size());
            for (int i = 0; i < registrations.size(); i++) {
                ServerRegistration registration = registrations.get(i);
                long id = ids.get(i);
                addresses.bind("serverId", id).bind("family", "IPV4").bind("address", registration.ipv4())
                        .bind("now", now).add();
                addresses.bind("serverId", id).bind("family", "IPV6").bind("address", registration.ipv6())
                        .bind("now", now).add();
                audit.add(registration.server().withId(id));
            }
            addresses.execute();
            var search = handle.prepareBatch("""
                    insert into server_search (server_id, name, customer_id, application_id, role, haystack)
                    values (:serverId, :name, :customerId, :applicationId, :role, :haystack)
                    """);
            for (Server server : audit) {
                // Names and app hosts are stored lowercase, so the search lowercases only the term.
                search.bind("serverId", server.id()).bind("name", server.name().toString())
                        .bind("customerId", server.customerId()).bind("applicationId", server.applicationId())
                        .bind("role", server.role().name())
                        .bind("haystack", server.name() + "/" + server.appHost()).add();
            }
            search.execute();
            var auditBatch = handle.prepareBatch("""
                    insert into audit_log (occurred_at, actor_kind, actor_name, action, entity_type, entity_id, details)
                    values (:at, :actorKind, :actorName, 'server.registered', 'server', :id, :details)
                    """);
            for (int i = 0; i < audit.size(); i++) {
                Server server = audit.get(i);
                auditBatch.bind("at", now).bind("actorKind", actor.kind().name()).bind("actorName", actor.name())
                        .bind("id", String.valueOf(server.id()))
                        .bind("details", AuditDetails.json("name", server.name().toString(),
                                "customer_id", server.customerId(), "application_id", server.applicationId(),
                                "role", server.role(), "app_host", server.appHost(),
                                "ipv4", registrations.get(i).ipv4(), "ipv6", registrations.get(i).ipv6()))
                        .add();
            }
            auditBatch.execute();
            return List.copyOf(audit);
        }));
    }

    private static void checkReferences(Handle handle, List<ServerRegistration> registrations) {
        var customers = registrations.stream().map(r -> r.server().customerId()).distinct().toList();
        var applications = registrations.stream().map(r -> r.server().applicationId()).distinct().toList();
        var knownCustomers = handle.createQuery("select id from customer where id in (<ids>)")
                .bindList("ids", customers).mapTo(Long.class).set();
        for (Long id : customers) {
            if (!knownCustomers.contains(id)) {
                throw new UnknownEntityException("customer", id);
            }
        }
        var knownApplications = handle.createQuery("select id from application where id in (<ids>)")
                .bindList("ids", applications).mapTo(Long.class).set();
        for (Long id : applications) {
            if (!knownApplications.contains(id)) {
                throw new UnknownEntityException("application", id);
            }
        }
    }

    /** The server with {@code id}, if any. */
    public Optional<Server> find(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from server where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /**
     * The server with {@code id}.
     *
     * @throws UnknownEntityException if there is none
     */
    public Server get(long id) {
        return find(id).orElseThrow(() -> new UnknownEntityException("server", id));
    }

    /** The server named {@code name} (any case), if any. */
    public Optional<Server> findByName(String name) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from server where name = :name")
                .bind("name", name.strip().toLowerCase(Locale.ROOT)).map(MAPPER).findOne());
    }

    /** The server's addresses: the included ones first, then extras in the order they were added. */
    public List<ServerAddress> addresses(long serverId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from server_address where server_id = :id order by extra, id
                        """)
                .bind("id", serverId).map(ADDRESS_MAPPER).list());
    }

    /** One page of servers matching {@code query}, ordered by name. */
    public Page<Server> search(ServerQuery query) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (query.customerId() != null) {
            where.append(" and customer_id = :customerId");
        }
        if (query.applicationId() != null) {
            where.append(" and application_id = :applicationId");
        }
        if (query.role() != null) {
            where.append(" and role = :role");
        }
        if (query.search() != null) {
            return searchBySubstring(query);
        }
        return database.jdbi().withHandle(handle -> {
            long total = countMatching(handle, where, query);
            Query page = handle.createQuery("select * from server" + where
                    + (query.cursor() == null ? "" : " and name > :cursor") + " order by name limit :limit");
            bindFilter(page, query);
            if (query.cursor() != null) {
                page.bind("cursor", query.cursor());
            }
            List<Server> rows = page.bind("limit", query.limit() + 1).map(MAPPER).list();
            boolean more = rows.size() > query.limit();
            List<Server> items = more ? rows.subList(0, query.limit()) : rows;
            return new Page<>(items, more ? items.getLast().name().toString() : null, total);
        });
    }

    /**
     * A substring search. No B-tree index serves {@code like '%term%'}, so the matches are found by
     * scanning {@code server_search} (V7), a narrow copy of the searched and filtered columns, in
     * one pass that yields the total too; then only the page's rows are read from {@code server}.
     * Sorting the matching names in memory is bounded by the fleet's size (names only).
     */
    private Page<Server> searchBySubstring(ServerQuery query) {
        String term = query.search().toLowerCase(Locale.ROOT);
        if (term.indexOf('/') >= 0) {
            // '/' separates name and app host in the haystack and occurs in neither.
            return new Page<>(List.of(), null, 0);
        }
        StringBuilder where = new StringBuilder(" where haystack like :pattern escape '!'");
        if (query.customerId() != null) {
            where.append(" and customer_id = :customerId");
        }
        if (query.applicationId() != null) {
            where.append(" and application_id = :applicationId");
        }
        if (query.role() != null) {
            where.append(" and role = :role");
        }
        return database.jdbi().withHandle(handle -> {
            Query matches = handle.createQuery("select server_id, name from server_search" + where);
            bindFilter(matches, query);
            List<Map.Entry<String, Long>> found = new ArrayList<>(matches
                    .map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("server_id"))).list());
            found.sort(Map.Entry.comparingByKey());
            List<Long> pageIds = new ArrayList<>(query.limit() + 1);
            for (Map.Entry<String, Long> match : found) {
                if (query.cursor() == null || match.getKey().compareTo(query.cursor()) > 0) {
                    pageIds.add(match.getValue());
                    if (pageIds.size() > query.limit()) {
                        break;
                    }
                }
            }
            List<Server> rows = pageIds.isEmpty() ? List.of() : handle
                    .createQuery("select * from server where id in (<ids>) order by name")
                    .bindList("ids", pageIds).map(MAPPER).list();
            boolean more = rows.size() > query.limit();
            List<Server> items = more ? rows.subList(0, query.limit()) : rows;
            return new Page<>(items, more ? items.getLast().name().toString() : null, found.size());
        });
    }

    private static long countMatching(org.jdbi.v3.core.Handle handle, CharSequence where, ServerQuery query) {
        Query count = handle.createQuery("select count(*) from server" + where);
        bindFilter(count, query);
        return count.mapTo(Long.class).one();
    }

    private static void bindFilter(Query statement, ServerQuery query) {
        if (query.customerId() != null) {
            statement.bind("customerId", query.customerId().longValue());
        }
        if (query.applicationId() != null) {
            statement.bind("applicationId", query.applicationId().longValue());
        }
        if (query.role() != null) {
            statement.bind("role", query.role().name());
        }
        if (query.search() != null) {
            statement.bind("pattern", Sql.likeContains(query.search().toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * Records what the server's agent reported.
     *
     * @throws UnknownEntityException if there is no such server
     */
    public Server recordAgentReport(Actor actor, long serverId, String installedVersion, String os, String kernel,
                                    Instant seenAt) {
        return database.jdbi().inTransaction(handle -> recordReport(handle, actor, serverId, installedVersion, os,
                kernel, seenAt, Sql.now(database), null));
    }

    /**
     * In the caller's transaction: locks the server row, writes the reported version, OS, kernel
     * and last-seen time, and audits {@code server.reported} when one of the three changed (with
     * {@code steward_version} when given). The agent's heartbeat comes here when its conditional
     * update found a change ({@link AgentRepository#recordHeartbeat}).
     *
     * @throws UnknownEntityException if there is no such server
     */
    static Server recordReport(Handle handle, Actor actor, long serverId, String installedVersion, String os,
                               String kernel, Instant seenAt, Instant now, String stewardVersion) {
        Server before = lock(handle, serverId);
        handle.createUpdate("""
                        update server set installed_version = :version, os = :os, kernel = :kernel,
                                          last_seen_at = :seen, updated_at = :now
                        where id = :id
                        """)
                .bind("version", installedVersion).bind("os", os).bind("kernel", kernel)
                .bindByType("seen", seenAt, Instant.class).bind("now", now).bind("id", serverId)
                .execute();
        if (!Objects.equals(before.installedVersion(), installedVersion) || !Objects.equals(before.os(), os)
                || !Objects.equals(before.kernel(), kernel)) {
            // The reported values may be null (no recipe: no installed version), so no List.of.
            List<Object> details = new ArrayList<>(Arrays.asList("installed_version", installedVersion, "os", os,
                    "kernel", kernel));
            if (stewardVersion != null) {
                details.add("steward_version");
                details.add(stewardVersion);
            }
            AuditLogRepository.append(handle, now, actor, "server.reported", "server", serverId, details.toArray());
        }
        return new Server(before.id(), before.name(), before.customerId(), before.applicationId(),
                before.role(), before.appHost(), before.packageState(), before.dkimSelector(),
                before.dkimPublicKey(), installedVersion, os, kernel, seenAt);
    }

    /**
     * Records the server's DKIM selector and public key (MAIL-4, DNS-3).
     *
     * @throws UnknownEntityException if there is no such server
     */
    public Server setDkimKey(Actor actor, long serverId, String selector, String publicKey) {
        return database.jdbi().inTransaction(handle -> {
            Server before = lock(handle, serverId);
            Server after = new Server(before.id(), before.name(), before.customerId(), before.applicationId(),
                    before.role(), before.appHost(), before.packageState(), selector, publicKey,
                    before.installedVersion(), before.os(), before.kernel(), before.lastSeen());
            Instant now = Sql.now(database);
            handle.createUpdate("""
                            update server set dkim_selector = :selector, dkim_public_key = :key, updated_at = :now
                            where id = :id
                            """)
                    .bind("selector", selector).bind("key", publicKey).bind("now", now).bind("id", serverId).execute();
            AuditLogRepository.append(handle, now, actor, "server.dkim_key_set", "server", serverId,
                    "selector", selector, "public_key", publicKey);
            return after;
        });
    }

    /** Reads the server and locks its row until the transaction ends (serialises changes per server). */
    static Server lock(Handle handle, long serverId) {
        return handle.createQuery("select * from server where id = :id for update")
                .bind("id", serverId).map(MAPPER).findOne()
                .orElseThrow(() -> new UnknownEntityException("server", serverId));
    }

    /** Writes a package change's effect; the caller holds the row lock and writes the audit row. */
    static void applyPackageState(Handle handle, long serverId, PackageState state, Instant now) {
        handle.createUpdate("""
                        update server set tier = :tier, storage_upgraded = :storage, dedicated_vcpu = :dedicated,
                                          updated_at = :now
                        where id = :id
                        """)
                .bind("tier", state.tier().name()).bind("storage", state.storageUpgraded())
                .bind("dedicated", state.dedicatedVcpu()).bind("now", now).bind("id", serverId)
                .execute();
    }

    /** Adds an address; the caller writes the audit row. */
    static void addAddress(Handle handle, long serverId, ServerAddress address, Instant now) {
        handle.createUpdate("""
                        insert into server_address (server_id, family, address, extra, billable, created_at)
                        values (:serverId, :family, :address, :extra, :billable, :now)
                        """)
                .bindMap(Map.of("serverId", serverId, "family", address.family().name(), "address", address.address(),
                        "extra", address.extra(), "billable", address.billable(), "now", now))
                .execute();
    }
}
