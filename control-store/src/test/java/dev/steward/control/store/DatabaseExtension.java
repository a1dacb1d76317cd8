package dev.steward.control.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs every {@code @TestTemplate} twice: on embedded H2 and on the real PostgreSQL server at
 * {@code 127.0.0.1:5432} (Jdbi's H2DatabaseExtension / PgDatabaseExtension pair in one).
 *
 * <p>Each test class gets a fresh H2 directory and a fresh PostgreSQL database
 * ({@code steward_test_<random>}, created through the {@code postgres} maintenance database as user
 * {@code postgres} with trust authentication), migrated by {@link Database}; both are dropped after
 * the class. Parameters of type {@link Database} and {@link TestDatabase} are injected.
 *
 * <p>If PostgreSQL is not reachable the tests fail, with the command that starts it: they are
 * never skipped.
 *
 * <p>Thread safety: JUnit calls it from one thread per test class.
 */
public final class DatabaseExtension implements TestTemplateInvocationContextProvider {

    /** Where the PostgreSQL server is; override with the environment variable {@code STEWARD_TEST_PG}. */
    static final String PG_HOST_PORT = System.getenv().getOrDefault("STEWARD_TEST_PG", "127.0.0.1:5432");
    static final String PG_USER = "postgres";
    static final String START_HINT = "PostgreSQL is not reachable at " + PG_HOST_PORT + " as user postgres; the"
            + " control-store tests run on it and on H2. Start it (as root) with:"
            + " pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DatabaseExtension.class);

    /**
     * The database of one invocation, able to open more {@link Database} instances on the same
     * data (two pools = two control-plane instances).
     *
     * @param kind which engine
     * @param database the instance the test uses
     * @param holder opens and closes further instances
     */
    public record TestDatabase(Database.Kind kind, Database database, Holder holder) {

        /** A second, independent instance (own pool) on the same database; closed after the class. */
        public Database openAnother(int poolSize) {
            return holder.open(poolSize);
        }
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(invocation(Database.Kind.H2), invocation(Database.Kind.POSTGRESQL));
    }

    private static TestTemplateInvocationContext invocation(Database.Kind kind) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return kind.name();
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new Resolver(kind));
            }
        };
    }

    private record Resolver(Database.Kind kind) implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == Database.class || type == TestDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            ExtensionContext classContext = context;
            while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
                classContext = classContext.getParent().get();
            }
            Holder holder = classContext.getStore(NAMESPACE)
                    .getOrComputeIfAbsent(kind, k -> new Holder(kind), Holder.class);
            Database database = holder.primary();
            return parameter.getParameter().getType() == Database.class
                    ? database : new TestDatabase(kind, database, holder);
        }
    }

    /** One database per kind per test class; closes its instances and drops the data afterwards. */
    public static final class Holder implements AutoCloseable {

        private final Database.Kind kind;
        private final List<Database> opened = new ArrayList<>(); // closed in close()
        private final String pgName;                              // PostgreSQL only
        private final Path h2Directory;                           // H2 only
        private Database primary;                                 // lazily opened

        Holder(Database.Kind kind) {
            this.kind = kind;
            if (kind == Database.Kind.POSTGRESQL) {
                this.pgName = "steward_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                        .toLowerCase(Locale.ROOT);
                this.h2Directory = null;
                maintenance("create database " + pgName);
            } else {
                this.pgName = null;
                try {
                    this.h2Directory = Files.createTempDirectory("steward-h2-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        Database primary() {
            if (primary == null) {
                primary = open(4);
            }
            return primary;
        }

        Database open(int poolSize) {
            Database database = kind == Database.Kind.POSTGRESQL
                    ? Database.postgres("jdbc:postgresql://" + PG_HOST_PORT + "/" + pgName, PG_USER, null, poolSize,
                            Clock.systemUTC())
                    : Database.embedded(h2Directory, poolSize, Clock.systemUTC());
            opened.add(database);
            return database;
        }

        @Override
        public void close() throws IOException {
            opened.forEach(Database::close);
            if (pgName != null) {
                maintenance("drop database if exists " + pgName + " with (force)");
            } else {
                try (Stream<Path> files = Files.walk(h2Directory)) {
                    for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        }

        private static void maintenance(String sql) {
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + PG_HOST_PORT + "/postgres?connectTimeout=5", PG_USER, "");
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                if ("08001".equals(e.getSQLState()) || "08004".equals(e.getSQLState()) || e.getSQLState() == null) {
                    throw new IllegalStateException(START_HINT + " (" + e.getMessage() + ")", e);
                }
                throw new IllegalStateException("cannot run '" + sql + "' on PostgreSQL at " + PG_HOST_PORT, e);
            }
        }
    }
}
