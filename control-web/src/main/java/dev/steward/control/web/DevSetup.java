package dev.steward.control.web;

import dev.steward.common.text.AddressText;
import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.store.Account;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseUnavailableException;
import dev.steward.control.store.EnrolmentToken;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.notify.DkimNotifier;
import dev.steward.control.web.notify.SmtpSubmission;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code steward control-dev}: prepares the all-in-one development mode ({@code make run}) before
 * {@code steward control} starts. Writes {@code DIR/control.toml} when missing (embedded H2 under
 * {@code DIR/control-db}, 127.0.0.1:8080, notices submitted to the local relay), creates the first
 * operator with a random password when there is no operator yet, and with {@code --demo} seeds a
 * small catalogue, a customer with an account and this machine as a server. Everything is
 * idempotent: a second run finds what exists and creates nothing.
 *
 * <p>New credentials are printed once on stdout and appended to {@code DIR/credentials.txt}
 * (mode 0600, created so; never readable by others) for a newcomer who missed the output. The
 * database holds only Argon2id hashes. {@code --reset-password LOGIN} sets a new random password.
 *
 * <p>{@code --agent-token-file FILE} (with {@code --demo}): a one-time enrolment token for this
 * machine's server, written to FILE (mode 0600) when FILE does not exist yet, so that
 * {@code scripts/run-all-in-one} can enrol the local agent ({@code steward agent enrol
 * --token-file FILE}); valid for one hour.
 *
 * <p>It opens the embedded database itself, so it runs while {@code steward control} is stopped
 * (H2 allows one process at a time); {@code scripts/run-all-in-one} runs it just before.
 *
 * <p>Thread safety: single-threaded command.
 */
final class DevSetup {

    static final String OPERATOR_LOGIN = "admin";
    static final String CUSTOMER_NAME = "Demo Klant BV";
    static final String CUSTOMER_LOGIN = "klant@demo-klant.test";
    static final String CUSTOMER_CONTACT = "it@demo-klant.test";
    private static final Actor DEMO = Actor.system("demo-seed");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevSetup() {
    }

    /** Options; see {@link #usage}. */
    record Options(Path dir, String listen, String relay, String domain, String appHost, boolean demo,
                   Path dkimPublicKey, String resetLogin, Path agentTokenFile) {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException usage) {
            err.println("steward control-dev: " + usage.getMessage());
            err.println(usage());
            return ControlCli.EX_USAGE;
        }
        Path configFile = options.dir().resolve("control.toml");
        try {
            Files.createDirectories(options.dir());
            if (!Files.exists(configFile)) {
                Files.writeString(configFile, defaultConfig(options), StandardCharsets.UTF_8);
                out.println("wrote " + configFile);
            }
        } catch (IOException e) {
            err.println("steward control-dev: cannot write " + configFile + ": " + e.getMessage());
            return 74;
        }
        ControlConfig config;
        try {
            config = ControlConfig.load(configFile);
        } catch (ConfigException invalid) {
            for (ConfigProblem problem : invalid.problems()) {
                err.println(problem.message());
            }
            return ConfigException.EX_CONFIG;
        }
        ControlConfig.DatabaseConfig db = config.database();
        try (Database database = db.jdbcUrl() != null
                ? Database.postgres(db.jdbcUrl(), db.user(), db.password(), 2, Clock.systemUTC())
                : Database.embedded(db.embeddedDirectory(), 2, Clock.systemUTC())) {
            ControlConfig.Notify notify = config.notices();
            ApiDependencies deps = ApiDependencies.wire(database, new PasswordHasher(), config.provider().domain(),
                    false, config.auth().sessionLifetime(), config.auth().loginFailureLimit(),
                    config.auth().loginFailureWindow(),
                    notify.configured() ? SmtpSubmission.to(notify.smtpHost(), notify.smtpPort(),
                            config.provider().domain()) : null, notify.sender());
            List<String> credentials = new ArrayList<>();
            if (options.resetLogin() != null) {
                Optional<Account> account = deps.accounts().findByLogin(options.resetLogin());
                if (account.isEmpty()) {
                    err.println("steward control-dev: no account " + options.resetLogin());
                    return 67;
                }
                String password = newPassword();
                deps.accounts().setPasswordHash(Actor.system("control-dev"), account.get().id(),
                        new PasswordHasher().hash(password));
                credentials.add("reset " + account.get().role().name().toLowerCase(java.util.Locale.ROOT)
                        + " login: " + options.resetLogin() + "  password: " + password);
            } else {
                String password = newPassword();
                if (deps.admin().bootstrapOperator(OPERATOR_LOGIN, password).isPresent()) {
                    credentials.add("operator  login: " + OPERATOR_LOGIN + "  password: " + password);
                }
                if (options.demo()) {
                    seedDemo(deps, options, config, credentials, out);
                    if (options.agentTokenFile() != null && !Files.exists(options.agentTokenFile())) {
                        writeAgentToken(database, deps, config, options.agentTokenFile(), out);
                    }
                }
            }
            if (!credentials.isEmpty()) {
                Path file = writeCredentials(options.dir(), config, credentials);
                out.println("Steward control plane: " + config.server().publicUrl());
                for (String line : credentials) {
                    out.println("  " + line);
                }
                out.println("  (shown once; also saved to " + file + ", mode 0600; reset: bin/steward control-dev --dir "
                        + options.dir() + " --reset-password LOGIN while the control plane is stopped)");
            }
            return 0;
        } catch (DatabaseUnavailableException unavailable) {
            err.println("steward control-dev: " + unavailable.getMessage());
            return ControlMain.EX_UNAVAILABLE;
        } catch (IOException e) {
            err.println("steward control-dev: " + e.getMessage());
            return 74;
        }
    }

    private static void seedDemo(ApiDependencies deps, Options options, ControlConfig config, List<String> credentials,
                                 PrintStream out) throws IOException {
        // Demo sizes, not the provider's price list: the seed text names only the benchmark VM (2 vCPU, 4 GB).
        Map<String, Application> catalogue = Map.of(
                "wordpress", app("wordpress", "WordPress", VersionScheme.SEMVER, "6.8.1", 2, 4096, 40, 4, 8192, 80),
                "odoo", app("odoo", "Odoo", VersionScheme.LOOSE, "18.0", 2, 4096, 60, 4, 8192, 120),
                "nextcloud", app("nextcloud", "Nextcloud", VersionScheme.SEMVER, "31.0.5", 2, 4096, 100, 4, 8192, 250));
        List<String> created = new ArrayList<>();
        for (String slug : List.of("wordpress", "odoo", "nextcloud")) {
            if (deps.applications().findBySlug(slug).isEmpty()) {
                deps.applications().create(DEMO, catalogue.get(slug));
                created.add("application " + slug);
            }
        }
        Customer customer = deps.customers().list().stream().filter(c -> c.name().equals(CUSTOMER_NAME)).findFirst()
                .orElse(null);
        if (customer == null) {
            customer = deps.customers().create(DEMO, Customer.of(CUSTOMER_NAME, List.of(CUSTOMER_CONTACT), Language.NL));
            created.add("customer \"" + CUSTOMER_NAME + "\" (nl)");
        }
        if (deps.accounts().findByLogin(CUSTOMER_LOGIN).isEmpty()) {
            String password = newPassword();
            deps.admin().create(DEMO, CUSTOMER_LOGIN, Account.Role.CUSTOMER, customer.id(), password);
            credentials.add("customer  login: " + CUSTOMER_LOGIN + "  password: " + password);
        }
        ServerName name = localServerName(config);
        if (deps.servers().findByName(name.toString()).isEmpty()) {
            long applicationId = deps.applications().findBySlug("wordpress").orElseThrow().id();
            List<String> addresses = machineAddresses();
            Server server = deps.servers().register(DEMO, new ServerRegistration(
                    Server.register(name, customer.id(), applicationId, options.appHost()), addresses.get(0),
                    addresses.get(1)));
            deps.servers().recordAgentReport(Actor.agent(name.toString()), server.id(), "6.8.1", osName(),
                    System.getProperty("os.version"), Instant.now());
            created.add("server " + name + " (this machine, " + localHostName() + ": " + addresses.get(0) + ", "
                    + addresses.get(1) + ", app host " + options.appHost() + ")");
            if (options.dkimPublicKey() != null && Files.isReadable(options.dkimPublicKey())) {
                String key = pemBody(Files.readString(options.dkimPublicKey(), StandardCharsets.US_ASCII));
                Server keyed = deps.servers().setDkimKey(DEMO, server.id(), "nexx", key);
                DkimNotifier.Outcome outcome = deps.dkimNotifier().notify(DEMO, keyed);
                created.add("DKIM key nexx of the local relay; record notice to " + CUSTOMER_CONTACT + ": "
                        + outcome.status().name().toLowerCase(java.util.Locale.ROOT) + " (" + outcome.detail() + ")");
            }
        }
        if (!created.isEmpty()) {
            out.println("demo data created:");
            for (String item : created) {
                out.println("  - " + item);
            }
        }
    }

    /** A one-time enrolment token for this machine's demo server, in {@code file} (0600, created so). */
    private static void writeAgentToken(Database database, ApiDependencies deps, ControlConfig config, Path file,
                                        PrintStream out) throws IOException {
        ServerName name = localServerName(config);
        Optional<Server> server = deps.servers().findByName(name.toString());
        if (server.isEmpty()) {
            return;
        }
        EnrolmentToken token = new AgentRepository(database)
                .issueEnrolmentToken(Actor.system("control-dev"), server.get().id(), Duration.ofHours(1));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), token.token() + "\n", StandardCharsets.US_ASCII);
        out.println("enrolment token for the local agent (server " + name + ", valid until " + token.expiresAt()
                + ") written to " + file);
    }

    /** The demo's server for this machine. */
    private static ServerName localServerName(ControlConfig config) {
        return new ServerName(1, dev.steward.control.core.fleet.ServerRole.PRODUCTION, 1, config.provider().domain());
    }

    private static Application app(String slug, String name, VersionScheme scheme, String version, int vcpu, int ram,
                                   int storage, int plusVcpu, int plusRam, int plusStorage) {
        return new Application(0, slug, name, scheme, version, Map.of(
                Tier.STANDARD, new PackageSpec(Tier.STANDARD, vcpu, ram, storage),
                Tier.PLUS, new PackageSpec(Tier.PLUS, plusVcpu, plusRam, plusStorage)));
    }

    /**
     * This machine's IPv4 and IPv6 addresses: the first global (or else site-local) address of each
     * family on an interface that is up; the documentation addresses (RFC 5737, RFC 3849) when
     * there is none, so the demo still has a server.
     */
    static List<String> machineAddresses() {
        String v4 = null;
        String v6 = null;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
                        continue;
                    }
                    if (address instanceof Inet4Address && v4 == null) {
                        v4 = address.getHostAddress();
                    } else if (address instanceof Inet6Address && v6 == null) {
                        v6 = AddressText.of(address);
                    }
                }
            }
        } catch (SocketException e) {
            // Fall back below.
        }
        return List.of(v4 != null ? v4 : "192.0.2.10", v6 != null ? v6 : "2001:db8::10");
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // Fall through.
        }
        return System.getProperty("os.name");
    }

    /** The base64 inside a PEM block (the DKIM p= value for a public key). */
    static String pemBody(String pem) {
        StringBuilder body = new StringBuilder();
        for (String line : pem.split("\\R")) {
            if (!line.startsWith("-----") && !line.isBlank()) {
                body.append(line.strip());
            }
        }
        return body.toString();
    }

    private static String newPassword() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // 20 characters, 120 bits
    }

    private static Path writeCredentials(Path dir, ControlConfig config, List<String> lines) throws IOException {
        Path file = dir.resolve("credentials.txt");
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        StringBuilder text = new StringBuilder("# " + Instant.now() + " " + config.server().publicUrl() + "\n");
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return file;
    }

    static String defaultConfig(Options options) {
        return """
                # Development control-plane configuration written by `make run` (steward control-dev).
                # Edit freely; it is not overwritten. Keys: docs/control-plane.md
                [server]
                listen = "%s"

                [database]
                embedded_directory = "control-db"

                [provider]
                domain = "%s"

                [notify]
                smtp = "%s"
                sender = "steward@%s"
                """.formatted(options.listen(), options.domain(), options.relay(), options.domain());
    }

    static Options parse(String[] args) throws UsageException {
        Path dir = null;
        String listen = "127.0.0.1:8080";
        String relay = "127.0.0.1:2525";
        String domain = "steward.localhost.test";
        String appHost = "app.localhost.test";
        boolean demo = false;
        Path dkim = null;
        String reset = null;
        Path agentToken = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--demo".equals(arg)) {
                demo = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException("missing value after " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--dir" -> dir = Path.of(value).toAbsolutePath();
                case "--listen" -> listen = value;
                case "--relay" -> relay = value;
                case "--domain" -> domain = value;
                case "--app-host" -> appHost = value;
                case "--dkim-public-key" -> dkim = Path.of(value);
                case "--reset-password" -> reset = value;
                case "--agent-token-file" -> agentToken = Path.of(value).toAbsolutePath();
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (dir == null) {
            throw new UsageException("--dir is required");
        }
        return new Options(dir, listen, relay, domain, appHost, demo, dkim, reset, agentToken);
    }

    static String usage() {
        return "usage: steward control-dev --dir DIR [--demo] [--listen 127.0.0.1:8080] [--relay 127.0.0.1:2525]\n"
                + "                           [--domain steward.localhost.test] [--app-host app.localhost.test]\n"
                + "                           [--dkim-public-key FILE] [--reset-password LOGIN] [--agent-token-file FILE]";
    }
}
