package dev.steward.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The control plane's database: a connection pool, the schema migrated to the latest version, and
 * the {@link Jdbi} every repository runs its SQL through.
 *
 * <p>Two kinds, one schema and one set of SQL statements:
 * <ul>
 *   <li>{@link #postgres(String, String, String)}: production. Several control-plane instances
 *       may open the same PostgreSQL database; they keep no state of their own, so they behave
 *       as one.</li>
 *   <li>{@link #embedded(Path)}: H2 in file mode under a data directory, in PostgreSQL
 *       compatibility mode; the default for a single instance and for {@code make run}.</li>
 * </ul>
 *
 * <p>Opening runs the Flyway migrations from {@code classpath:db/migration} (the same files on
 * both), so an opened database always has the current schema. Closing closes the pool.
 *
 * <p>Thread safety: thread-safe; open one per process and share it.
 */
public final class Database implements AutoCloseable {

    /** Which database engine is behind the pool. */
    public enum Kind {
        /** PostgreSQL, over the network. */
        POSTGRESQL,
        /** H2 in file mode, in-process. */
        H2
    }

    private final Kind kind;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Clock clock;

    private Database(Kind kind, HikariConfig config, Clock clock) {
        this.kind = kind;
        this.clock = Objects.requireNonNull(clock, "clock");
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure(getClass().getClassLoader())
                    .dataSource(pool)
                    .locations(migrationLocations(kind))
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new DatabaseUnavailableException("cannot migrate the " + kind + " database at " + config.getJdbcUrl()
                    + ": " + e.getMessage(), e);
        }
        this.dataSource = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * Opens a PostgreSQL database and migrates it.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/steward}
     * @param user the role to log in as
     * @param password its password; {@code null} or empty for trust or peer authentication
     * @throws DatabaseUnavailableException if it cannot be reached or migrated
     */
    public static Database postgres(String jdbcUrl, String user, String password) {
        return postgres(jdbcUrl, user, password, 10, Clock.systemUTC());
    }

    /**
     * Opens a PostgreSQL database with an explicit pool size and clock.
     *
     * @see #postgres(String, String, String)
     */
    public static Database postgres(String jdbcUrl, String user, String password, int poolSize, Clock clock) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        HikariConfig config = baseConfig("steward-pg", poolSize);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        return open(Kind.POSTGRESQL, config, clock);
    }

    /**
     * Opens (creating if needed) the embedded H2 database {@code steward} in {@code dataDirectory}
     * and migrates it.
     *
     * @throws DatabaseUnavailableException if it cannot be opened, e.g. another process holds it
     */
    public static Database embedded(Path dataDirectory) {
        return embedded(dataDirectory, 10, Clock.systemUTC());
    }

    /**
     * Opens the embedded database with an explicit pool size and clock.
     *
     * @see #embedded(Path)
     */
    public static Database embedded(Path dataDirectory, int poolSize, Clock clock) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDirectory, e);
        }
        HikariConfig config = baseConfig("steward-h2", poolSize);
        // MODE=PostgreSQL so that the SQL written for PostgreSQL runs unchanged; names folded to
        // lowercase like PostgreSQL; NULLs sort last in ascending order like PostgreSQL.
        config.setJdbcUrl("jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve("steward")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000");
        config.setUsername("steward");
        config.setPassword("");
        return open(Kind.H2, config, clock);
    }

    private static Database open(Kind kind, HikariConfig config, Clock clock) {
        try {
            return new Database(kind, config, clock);
        } catch (DatabaseUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("cannot open the " + kind + " database at " + config.getJdbcUrl()
                    + ": " + e.getMessage(), e);
        }
    }

    private static HikariConfig baseConfig(String poolName, int poolSize) {
        // Flyway holds one connection for its lock while it migrates on another.
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("pool size must be 2..200, not " + poolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        return config;
    }

    /**
     * Where the migrations are: {@code db/migration}, the same schema and SQL on both engines; on
     * PostgreSQL also {@code db/postgresql}, repeatable migrations that add only what makes the
     * same queries faster there (indexes of PostgreSQL's own kinds), never a column or a table.
     */
    private static String[] migrationLocations(Kind kind) {
        return kind == Kind.POSTGRESQL
                ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                : new String[] {"classpath:db/migration"};
    }

    /** Which engine this is. */
    public Kind kind() {
        return kind;
    }

    /** The Jdbi the repositories use. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pooled data source, for health checks. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The clock repositories stamp rows with. */
    public Clock clock() {
        return clock;
    }

    /** Whether a connection can be taken and answers a trivial query (for {@code /healthz}). */
    public boolean isHealthy() {
        try {
            return jdbi.withHandle(handle -> handle.createQuery("select 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the pool; in-flight work fails. */
    @Override
    public void close() {
        dataSource.close();
    }
}
