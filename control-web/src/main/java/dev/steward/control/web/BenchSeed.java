package dev.steward.control.web;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import dev.steward.control.store.Account;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.PackageChangeRepository;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.web.auth.AccountAdmin;
import dev.steward.control.web.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The control-plane benchmark's data ({@code bench/control-bench}), not part of the product CLI:
 * {@code java -cp ... dev.steward.control.web.BenchSeed CONFIG SERVERS CUSTOMERS PASSWORD} fills the
 * configured (empty) database through the store: three applications, CUSTOMERS customers, SERVERS
 * servers spread evenly over them and the applications, registered in one batch
 * ({@link ServerRepository#registerAll}), a package-change request on every 20th server, and an
 * operator {@code bench@provider.example} with PASSWORD. Prints the seconds each step took.
 *
 * <p>{@code BenchSeed agents CONFIG SERVERS CUSTOMERS PASSWORD CREDENTIALS_FILE} (the fleet
 * simulation, {@code bench/fleet-bench}) seeds the same and then gives every server an agent
 * credential in one batch ({@link AgentRepository#issueCredentials}), written to CREDENTIALS_FILE
 * (created with mode 0600; one {@code server_id credential} line per server) for
 * {@code bench/FleetSim.java}.
 */
public final class BenchSeed {

    private BenchSeed() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        boolean agents = args.length > 0 && args[0].equals("agents");
        if (agents) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length != (agents ? 5 : 4)) {
            System.err.println("usage: BenchSeed [agents] CONFIG SERVERS CUSTOMERS OPERATOR_PASSWORD [CREDENTIALS_FILE]");
            System.exit(64);
        }
        ControlConfig config = ControlConfig.load(Path.of(args[0]));
        int servers = Integer.parseInt(args[1]);
        int customerCount = Integer.parseInt(args[2]);
        Actor actor = Actor.system("bench-seed");
        ControlConfig.DatabaseConfig db = config.database();
        try (Database database = db.jdbcUrl() != null
                ? Database.postgres(db.jdbcUrl(), db.user(), db.password(), 4, Clock.systemUTC())
                : Database.embedded(db.embeddedDirectory(), 4, Clock.systemUTC())) {
            long start = System.nanoTime();
            new AccountAdmin(database, new PasswordHasher()).create(actor, "bench@provider.example",
                    Account.Role.OPERATOR, null, args[3]);
            ApplicationRepository applications = new ApplicationRepository(database);
            List<Long> applicationIds = new ArrayList<>();
            for (String slug : List.of("wordpress", "odoo", "nextcloud")) {
                applicationIds.add(applications.create(actor, new Application(0, slug, slug.substring(0, 1).toUpperCase()
                        + slug.substring(1), VersionScheme.SEMVER, "1.0.0", Map.of(
                        Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80)))).id());
            }
            CustomerRepository customers = new CustomerRepository(database);
            List<Long> customerIds = new ArrayList<>();
            for (int c = 1; c <= customerCount; c++) {
                customerIds.add(customers.create(actor, Customer.of("Bench customer " + c,
                        List.of("it@customer" + c + ".example"), c % 2 == 0 ? Language.NL : Language.EN)).id());
            }
            System.out.printf("seed_catalogue_customers s=%.2f%n", (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            List<ServerRegistration> registrations = new ArrayList<>(servers);
            for (int i = 0; i < servers; i++) {
                int customer = i % customerCount;
                int app = i / customerCount + 1;
                ServerName name = new ServerName(customer + 1, i % 10 == 0 ? ServerRole.TEST : ServerRole.PRODUCTION, app,
                        config.provider().domain());
                registrations.add(new ServerRegistration(Server.register(name, customerIds.get(customer),
                        applicationIds.get(i % applicationIds.size()), "app" + app + ".customer" + (customer + 1) + ".example"),
                        "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
                        "2001:db8::" + Integer.toHexString(i + 1)));
            }
            List<Server> created = new ServerRepository(database).registerAll(actor, registrations);
            System.out.printf("seed_servers n=%d s=%.2f%n", created.size(), (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            PackageChangeRepository changes = new PackageChangeRepository(database);
            int requested = 0;
            for (int i = 0; i < created.size(); i += 20) {
                changes.request(Actor.operator("bench@provider.example"), created.get(i).id(), PackageChangeKind.EXTRA_IPV6);
                requested++;
            }
            System.out.printf("seed_package_changes n=%d s=%.2f%n", requested, (System.nanoTime() - start) / 1e9);
            if (agents) {
                start = System.nanoTime();
                Map<Long, String> credentials = new AgentRepository(database).issueCredentials(actor,
                        created.stream().map(Server::id).toList());
                Path file = Path.of(args[4]);
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                StringBuilder lines = new StringBuilder(credentials.size() * 64);
                credentials.forEach((id, credential) -> lines.append(id).append(' ').append(credential).append('\n'));
                Files.writeString(file, lines);
                System.out.printf("seed_agent_credentials n=%d s=%.2f%n", credentials.size(),
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
