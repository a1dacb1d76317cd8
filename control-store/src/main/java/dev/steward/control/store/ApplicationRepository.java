package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The application catalogue and the package specs of each application.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class ApplicationRepository {

    private final Database database;

    /** @param database where the catalogue lives */
    public ApplicationRepository(Database database) {
        this.database = database;
    }

    /**
     * Publishes a new application with its two packages.
     *
     * @throws DuplicateNameException if the slug is taken
     */
    public Application create(Actor actor, Application application) {
        return Sql.uniqueName("application", application.slug(), () -> database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into application (slug, name, version_scheme, current_version, created_at, updated_at)
                            values (:slug, :name, :scheme, :version, :now, :now)
                            """)
                    .bind("slug", application.slug())
                    .bind("name", application.name())
                    .bind("scheme", application.versionScheme().name())
                    .bind("version", application.currentVersion())
                    .bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            writeSpecs(handle, id, application.packages());
            AuditLogRepository.append(handle, now, actor, "application.created", "application", id,
                    "slug", application.slug(), "name", application.name(),
                    "version_scheme", application.versionScheme(), "current_version", application.currentVersion(),
                    "packages", specsForAudit(application.packages()));
            return application.withId(id);
        }));
    }

    /**
     * Replaces name, current version and package specs (the slug never changes).
     *
     * @throws UnknownEntityException if there is no such application
     */
    public Application update(Actor actor, Application application) {
        return database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            int rows = handle.createUpdate("""
                            update application set name = :name, version_scheme = :scheme, current_version = :version,
                                   updated_at = :now
                            where id = :id and slug = :slug
                            """)
                    .bind("id", application.id())
                    .bind("slug", application.slug())
                    .bind("name", application.name())
                    .bind("scheme", application.versionScheme().name())
                    .bind("version", application.currentVersion())
                    .bind("now", now)
                    .execute();
            if (rows == 0) {
                throw new UnknownEntityException("application", application.id() + " (" + application.slug() + ")");
            }
            handle.createUpdate("delete from package_spec where application_id = :id").bind("id", application.id()).execute();
            writeSpecs(handle, application.id(), application.packages());
            AuditLogRepository.append(handle, now, actor, "application.updated", "application", application.id(),
                    "name", application.name(), "version_scheme", application.versionScheme(),
                    "current_version", application.currentVersion(), "packages", specsForAudit(application.packages()));
            return application;
        });
    }

    /** The application with {@code id}, if any. */
    public Optional<Application> find(long id) {
        return database.jdbi().withHandle(handle -> select(handle, "where a.id = :key", id).stream().findFirst());
    }

    /** The application with {@code slug}, if any. */
    public Optional<Application> findBySlug(String slug) {
        return database.jdbi().withHandle(handle -> select(handle, "where a.slug = :key", slug).stream().findFirst());
    }

    /** The whole catalogue by name, with packages (SPEC-1's table). */
    public List<Application> list() {
        return database.jdbi().withHandle(handle -> select(handle, "", null));
    }

    private static void writeSpecs(Handle handle, long applicationId, Map<Tier, PackageSpec> specs) {
        var batch = handle.prepareBatch("""
                insert into package_spec (application_id, tier, vcpu, ram_mib, storage_gib)
                values (:id, :tier, :vcpu, :ram, :storage)
                """);
        for (PackageSpec spec : specs.values()) {
            batch.bind("id", applicationId).bind("tier", spec.tier().name()).bind("vcpu", spec.vcpu())
                    .bind("ram", spec.ramMib()).bind("storage", spec.storageGib()).add();
        }
        batch.execute();
    }

    private static Map<String, String> specsForAudit(Map<Tier, PackageSpec> specs) {
        return specs.values().stream().collect(Collectors.toMap(spec -> spec.tier().code(),
                spec -> spec.vcpu() + " vCPU, " + spec.ramMib() + " MiB, " + spec.storageGib() + " GiB",
                (a, b) -> a, java.util.TreeMap::new));
    }

    private static List<Application> select(Handle handle, String where, Object key) {
        var specQuery = handle.createQuery("select s.* from package_spec s join application a on a.id = s.application_id "
                + where);
        var appQuery = handle.createQuery("select a.* from application a " + where + " order by a.name");
        if (key != null) {
            specQuery.bind("key", key);
            appQuery.bind("key", key);
        }
        Map<Long, Map<Tier, PackageSpec>> specs = new java.util.HashMap<>();
        specQuery.map((rs, ctx) -> {
            PackageSpec spec = new PackageSpec(Tier.valueOf(rs.getString("tier")), rs.getInt("vcpu"),
                    rs.getInt("ram_mib"), rs.getInt("storage_gib"));
            specs.computeIfAbsent(rs.getLong("application_id"), id -> new EnumMap<>(Tier.class)).put(spec.tier(), spec);
            return spec;
        }).list();
        return appQuery.map((rs, ctx) -> new Application(rs.getLong("id"), rs.getString("slug"), rs.getString("name"),
                        VersionScheme.valueOf(rs.getString("version_scheme")), rs.getString("current_version"),
                        specs.getOrDefault(rs.getLong("id"), Map.of())))
                .list();
    }
}
