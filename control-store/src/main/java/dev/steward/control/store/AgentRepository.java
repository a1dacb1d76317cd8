package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.fleet.Server;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The agents' identities and heartbeats: enrolment tokens, per-server credentials and the last
 * status report ({@code enrolment_token}, {@code agent_credential}, {@code agent_status}).
 *
 * <p><b>Enrolment.</b> An operator issues a one-time token for a server ({@link #issueEnrolmentToken});
 * the agent trades it, with its DKIM public key, for a credential ({@link #enrol}). The token is
 * taken by one conditional update ({@code … where used_at is null and expires_at > now}), so of two
 * agents racing with the same token exactly one enrols. Enrolling a server again (a reinstalled
 * server) revokes its earlier credentials: a server has at most one working credential.
 *
 * <p><b>Secrets.</b> Tokens and credentials are {@link TokenHash#newToken() random} and stored as
 * their SHA-256 only; the plain values are returned once.
 *
 * <p><b>Audit.</b> Issuing, enrolling (with the DKIM key it registered) and rotating are audited;
 * a heartbeat only when the installed version, OS or kernel changed (as
 * {@link ServerRepository#recordAgentReport}).
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction.
 */
public final class AgentRepository {

    /** How long an enrolment token is valid unless the operator says otherwise. */
    public static final Duration DEFAULT_ENROLMENT_VALIDITY = Duration.ofHours(24);

    private static final RowMapper<AgentStatus> STATUS_MAPPER = (rs, ctx) -> new AgentStatus(rs.getLong("server_id"),
            Sql.instant(rs, "reported_at"), Sql.instant(rs, "last_seen_at"),
            new AgentHeartbeat(rs.getString("steward_version"), rs.getString("os"), rs.getString("kernel"),
                    rs.getLong("uptime_seconds"), rs.getString("installed_version"), rs.getInt("queue_active"),
                    rs.getInt("queue_deferred"), rs.getInt("queue_held"), rs.getLong("delivered_total"),
                    rs.getLong("bounced_total"), rs.getLong("free_disk_bytes")));

    private final Database database;
    private final Clock clock;

    /** With the database's clock. */
    public AgentRepository(Database database) {
        this(database, database.clock());
    }

    /** @param clock stamps tokens, credentials and heartbeats and decides expiry (tests move it) */
    public AgentRepository(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Issues a one-time enrolment token for the server; the caller shows it once.
     *
     * @param validity how long it may be used, 1 minute .. 30 days
     * @throws UnknownEntityException if there is no such server
     */
    public EnrolmentToken issueEnrolmentToken(Actor actor, long serverId, Duration validity) {
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("an enrolment token is valid for 1 minute .. 30 days, not " + validity);
        }
        String token = TokenHash.newToken();
        return database.jdbi().inTransaction(handle -> {
            ServerRepository.lock(handle, serverId);
            Instant now = now();
            Instant expires = now.plus(validity);
            handle.createUpdate("""
                            insert into enrolment_token (token_sha256, server_id, created_by, created_at, expires_at)
                            values (:hash, :server, :by, :now, :expires)
                            """)
                    .bind("hash", TokenHash.sha256(token)).bind("server", serverId).bind("by", actor.toString())
                    .bind("now", now).bind("expires", expires).execute();
            AuditLogRepository.append(handle, now, actor, "agent.enrolment_token_issued", "server", serverId,
                    "expires_at", expires);
            return new EnrolmentToken(token, serverId, expires);
        });
    }

    /**
     * Trades an enrolment token for the server's credential and registers the agent's DKIM key on
     * the server, in one transaction. Earlier credentials of the server are revoked.
     *
     * @param selector the DKIM selector the agent signs with
     * @param publicKey the DKIM public key, the p= value (base64)
     * @throws EnrolmentRefusedException if the token is unknown, used or expired
     */
    public AgentCredential enrol(String token, String selector, String publicKey) {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(publicKey, "publicKey");
        String hash = TokenHash.sha256(token);
        return database.jdbi().inTransaction(handle -> {
            Instant now = now();
            int taken = handle.createUpdate("""
                            update enrolment_token set used_at = :now
                            where token_sha256 = :hash and used_at is null and expires_at > :now
                            """)
                    .bind("now", now).bind("hash", hash).execute();
            if (taken == 0) {
                throw new EnrolmentRefusedException(handle.createQuery("""
                                select case when used_at is not null then 'USED' else 'EXPIRED' end
                                from enrolment_token where token_sha256 = :hash
                                """)
                        .bind("hash", hash).mapTo(String.class).findOne()
                        .map(EnrolmentRefusedException.Reason::valueOf)
                        .orElse(EnrolmentRefusedException.Reason.UNKNOWN));
            }
            long serverId = handle.createQuery("select server_id from enrolment_token where token_sha256 = :hash")
                    .bind("hash", hash).mapTo(Long.class).one();
            Server server = ServerRepository.lock(handle, serverId);
            Actor agent = Actor.agent(server.name().toString());
            int revoked = revokeAll(handle, serverId, now);
            String credential = TokenHash.newToken();
            insertCredential(handle, serverId, credential, now);
            handle.createUpdate("""
                            update server set dkim_selector = :selector, dkim_public_key = :key, updated_at = :now
                            where id = :id
                            """)
                    .bind("selector", selector).bind("key", publicKey).bind("now", now).bind("id", serverId).execute();
            AuditLogRepository.append(handle, now, agent, "agent.enrolled", "server", serverId,
                    "revoked_credentials", revoked);
            boolean changed = !publicKey.equals(server.dkimPublicKey()) || !selector.equals(server.dkimSelector());
            if (changed) {
                AuditLogRepository.append(handle, now, agent, "server.dkim_key_set", "server", serverId,
                        "selector", selector, "public_key", publicKey);
            }
            return new AgentCredential(serverId, server.name().toString(), credential, changed);
        });
    }

    /** How often {@link #authenticate} records that a credential was used, at most. */
    public static final Duration LAST_USED_RESOLUTION = LastUse.RESOLUTION;

    /**
     * The agent a credential belongs to, if it is known and not revoked; records when it was last
     * used, to within {@link #LAST_USED_RESOLUTION} ({@link LastUse}), so an agent that heartbeats
     * and polls all the time costs one write a minute, not one per request. Every agent request
     * comes here: usually it is one query.
     */
    public Optional<AgentIdentity> authenticate(String credential) {
        String hash = TokenHash.sha256(credential);
        return database.jdbi().withHandle(handle -> {
            Instant now = now();
            boolean[] due = {false};
            Optional<AgentIdentity> identity = handle.createQuery("""
                            select c.id, c.server_id, s.name, c.last_used_at
                            from agent_credential c join server s on s.id = c.server_id
                            where c.token_sha256 = :hash and c.revoked_at is null
                            """)
                    .bind("hash", hash)
                    .map((rs, ctx) -> {
                        due[0] = LastUse.due(Sql.instant(rs, "last_used_at"), now);
                        return new AgentIdentity(rs.getLong("server_id"), rs.getString("name"), rs.getLong("id"));
                    })
                    .findOne();
            if (identity.isPresent() && due[0]) {
                LastUse.record(database, handle, "agent_credential", identity.get().credentialId(), now);
            }
            return identity;
        });
    }

    /**
     * When the credential was last used (to within {@link #LAST_USED_RESOLUTION}), if it ever was.
     *
     * @throws UnknownEntityException if there is no such credential
     */
    public Optional<Instant> lastUsed(long credentialId) {
        return LastUse.read(database, "agent_credential", "agent credential", credentialId);
    }

    /**
     * Issues a credential for each of the servers at once, revoking their earlier ones, in one
     * transaction with one audit row per server ({@code agent.credential_issued}); no enrolment
     * token and no DKIM key. For the fleet benchmark's seeding ({@code BenchSeed agents}), where
     * enrolling thousands of simulated agents one HTTP call at a time would take minutes; not
     * reachable through the API.
     *
     * @return each server's credential (plain, shown once), in the order given
     * @throws UnknownEntityException if a server does not exist; nothing is stored then
     */
    public LinkedHashMap<Long, String> issueCredentials(Actor actor, List<Long> serverIds) {
        var credentials = new LinkedHashMap<Long, String>();
        for (long id : serverIds) {
            credentials.put(id, TokenHash.newToken());
        }
        if (credentials.isEmpty()) {
            return credentials;
        }
        database.jdbi().useTransaction(handle -> {
            Instant now = now();
            for (var chunk : chunks(List.copyOf(credentials.keySet()), 1000)) {
                int found = handle.createQuery("select count(*) from server where id in (<ids>)")
                        .bindList("ids", chunk).mapTo(Integer.class).one();
                if (found != chunk.size()) {
                    throw new UnknownEntityException("server", chunk.stream().map(String::valueOf)
                            .collect(Collectors.joining(",")));
                }
                handle.createUpdate("update agent_credential set revoked_at = :now where server_id in (<ids>) "
                                + "and revoked_at is null")
                        .bind("now", now).bindList("ids", chunk).execute();
            }
            var insert = handle.prepareBatch("""
                    insert into agent_credential (server_id, token_sha256, issued_at) values (:server, :hash, :now)
                    """);
            var audit = handle.prepareBatch("""
                    insert into audit_log (occurred_at, actor_kind, actor_name, action, entity_type, entity_id, details)
                    values (:at, :actorKind, :actorName, 'agent.credential_issued', 'server', :id, :details)
                    """);
            for (var entry : credentials.entrySet()) {
                insert.bind("server", entry.getKey()).bind("hash", TokenHash.sha256(entry.getValue())).bind("now", now)
                        .add();
                audit.bind("at", now).bind("actorKind", actor.kind().name()).bind("actorName", actor.name())
                        .bind("id", String.valueOf(entry.getKey())).bind("details", AuditDetails.json("bulk", true))
                        .add();
            }
            insert.execute();
            audit.execute();
        });
        return credentials;
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        var chunks = new ArrayList<List<T>>();
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    /**
     * Issues a new credential for the agent and revokes the one it presented, in one transaction:
     * of two concurrent rotations with the same credential one wins, the other is refused.
     *
     * @throws UnknownEntityException if the presented credential was revoked meanwhile
     */
    public AgentCredential rotate(AgentIdentity agent) {
        return database.jdbi().inTransaction(handle -> {
            Instant now = now();
            int revoked = handle.createUpdate("""
                            update agent_credential set revoked_at = :now where id = :id and revoked_at is null
                            """)
                    .bind("now", now).bind("id", agent.credentialId()).execute();
            if (revoked == 0) {
                throw new UnknownEntityException("active agent credential", agent.credentialId());
            }
            String credential = TokenHash.newToken();
            insertCredential(handle, agent.serverId(), credential, now);
            AuditLogRepository.append(handle, now, agent.actor(), "agent.credential_rotated", "server",
                    agent.serverId(), "revoked_credential_id", agent.credentialId());
            return new AgentCredential(agent.serverId(), agent.serverName(), credential, false);
        });
    }

    /**
     * Revokes every credential of the server (an operator takes a server out of service).
     *
     * @return how many were revoked
     */
    public int revokeAll(Actor actor, long serverId) {
        return database.jdbi().inTransaction(handle -> {
            ServerRepository.lock(handle, serverId);
            Instant now = now();
            int revoked = revokeAll(handle, serverId, now);
            AuditLogRepository.append(handle, now, actor, "agent.credentials_revoked", "server", serverId,
                    "revoked_credentials", revoked);
            return revoked;
        });
    }

    private static int revokeAll(Handle handle, long serverId, Instant now) {
        return handle.createUpdate("""
                        update agent_credential set revoked_at = :now where server_id = :server and revoked_at is null
                        """)
                .bind("now", now).bind("server", serverId).execute();
    }

    private static void insertCredential(Handle handle, long serverId, String credential, Instant now) {
        handle.createUpdate("""
                        insert into agent_credential (server_id, token_sha256, issued_at) values (:server, :hash, :now)
                        """)
                .bind("server", serverId).bind("hash", TokenHash.sha256(credential)).bind("now", now).execute();
    }

    /**
     * Records a heartbeat: the {@code agent_status} row (inserted or replaced) and the server's
     * installed version, OS, kernel and last-seen time, in one transaction.
     *
     * @throws UnknownEntityException if there is no such server
     */
    public AgentStatus recordHeartbeat(AgentIdentity agent, AgentHeartbeat heartbeat) {
        return database.jdbi().inTransaction(handle -> {
            // A heartbeat need not wait for its WAL flush: one lost to a PostgreSQL crash is sent
            // again within 30 s, and an asynchronous commit loses whole transactions, never part of
            // one, so a lost version change (and its audit row) is seen and audited by the next
            // heartbeat. Waiting for the flush was most of what a fleet's heartbeats cost.
            Sql.commitAsynchronously(database, handle);
            Instant now = now();
            // The usual heartbeat reports what the server row already says: one conditional update
            // takes the row lock and stamps last_seen_at. Otherwise the row is locked and read
            // first, to audit the change.
            int unchanged = handle.createUpdate("""
                            update server set last_seen_at = :now, updated_at = :now
                            where id = :id and installed_version is not distinct from :version
                              and os is not distinct from :os and kernel is not distinct from :kernel
                            """)
                    .bind("version", heartbeat.installedVersion()).bind("os", heartbeat.os())
                    .bind("kernel", heartbeat.kernel()).bind("now", now).bind("id", agent.serverId()).execute();
            if (unchanged == 0) {
                // The row lock serialises heartbeats of one server, so the upsert below cannot race.
                ServerRepository.recordReport(handle, agent.actor(), agent.serverId(), heartbeat.installedVersion(),
                        heartbeat.os(), heartbeat.kernel(), now, now, heartbeat.stewardVersion());
            }
            int updated = handle.createUpdate("""
                            update agent_status set reported_at = :now, steward_version = :steward,
                                   uptime_seconds = :uptime, free_disk_bytes = :disk, queue_active = :active,
                                   queue_deferred = :deferred, queue_held = :held, delivered_total = :delivered,
                                   bounced_total = :bounced
                            where server_id = :id
                            """)
                    .bindMap(statusValues(agent.serverId(), heartbeat, now)).execute();
            if (updated == 0) {
                handle.createUpdate("""
                                insert into agent_status (server_id, reported_at, steward_version, uptime_seconds,
                                                          free_disk_bytes, queue_active, queue_deferred, queue_held,
                                                          delivered_total, bounced_total)
                                values (:id, :now, :steward, :uptime, :disk, :active, :deferred, :held, :delivered,
                                        :bounced)
                                """)
                        .bindMap(statusValues(agent.serverId(), heartbeat, now)).execute();
            }
            return new AgentStatus(agent.serverId(), now, now, heartbeat);
        });
    }

    private static java.util.Map<String, Object> statusValues(long serverId, AgentHeartbeat heartbeat, Instant now) {
        var values = new java.util.HashMap<String, Object>();
        values.put("id", serverId);
        values.put("now", now);
        values.put("steward", heartbeat.stewardVersion());
        values.put("uptime", heartbeat.uptimeSeconds());
        values.put("disk", heartbeat.freeDiskBytes());
        values.put("active", heartbeat.queueActive());
        values.put("deferred", heartbeat.queueDeferred());
        values.put("held", heartbeat.queueHeld());
        values.put("delivered", heartbeat.deliveredTotal());
        values.put("bounced", heartbeat.bouncedTotal());
        return values;
    }

    /** The server's last heartbeat, if its agent has sent one. */
    public Optional<AgentStatus> status(long serverId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select a.*, s.os, s.kernel, s.installed_version, s.last_seen_at
                        from agent_status a join server s on s.id = a.server_id
                        where a.server_id = :id
                        """)
                .bind("id", serverId).map(STATUS_MAPPER).findOne());
    }
}
