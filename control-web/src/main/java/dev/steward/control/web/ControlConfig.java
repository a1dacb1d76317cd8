package dev.steward.control.web;

import dev.steward.mail.dns.DnsConfig;
import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import dev.steward.common.config.DurationValue;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WeeklyWindow;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's configuration ({@code /etc/steward/control.toml}), read with
 * {@link ConfigReader}: every problem is collected, unknown keys are errors, and the result is
 * immutable.
 *
 * <pre>
 * [server]
 * listen = "127.0.0.1:8080"               # host:port; [v6]:port for IPv6
 * public_url = "http://127.0.0.1:8080"    # what browsers use; https makes the session cookie Secure
 *
 * [database]                              # exactly one of url or embedded_directory
 * url = "jdbc:postgresql://127.0.0.1:5432/steward"
 * user = "steward"
 * password_file = "/etc/steward/control-db.password"   # not readable by group or others
 * embedded_directory = "/var/lib/steward/control"      # H2 file database, one instance only
 * pool_size = 10                                       # 2..200
 *
 * [provider]
 * domain = "hosting.example"              # server names are clnNNN-prd-appNNN.&lt;domain&gt;
 *
 * [auth]
 * session_lifetime = "12h"                # 1m..30d
 * login_failure_limit = 5                 # failures per login and address per window, 1..100
 * login_failure_window = "15m"            # 1m..1d
 * login_attempt_retention = "30d"         # login attempts older than this are pruned, window..365d
 *
 * [notify]                                # customer notices by e-mail, submitted over SMTP
 * smtp = "127.0.0.1:25"                   # the relay (host:port); unset: notices are not sent (and audited as such)
 * sender = "steward@hosting.example"      # envelope and header sender; default steward@&lt;provider domain&gt;
 *
 * [agents]                                # the agents' job API (/api/agent/v1)
 * job_lease = "5m"                        # a delivered job not started within this is handed out again, 30s..1d
 * enrolment_token_validity = "24h"        # default validity of a one-time enrolment token, 1m..30d
 * [maintenance]                           # the fleet's windows and how the scheduler runs them
 * os_window = "MONDAY 05:00-07:00"        # weekly OS-update window (MAINT-1), wall-clock time in zone
 * app_window = "MONDAY 07:00-09:00"       # weekly application-update window (MAINT-2)
 * zone = "Europe/Brussels"                # IANA zone of both windows
 * weeks_ahead = 8                         # windows materialised ahead, 1..52
 * scheduler_poll_interval = "1s"          # how often due tasks are looked for, 100ms..5m
 * scheduler_lease = "10m"                 # a claimed task is taken over after this, 1m..1d
 * os_job_expected_duration = "30m"        # the cut-off for OS jobs: latest start = window end - this, 1m..12h
 * soak_time = "24h"                       # after a green test stage, before the rollout is planned, 0s..30d
 * </pre>
 *
 * <p>Thread safety: immutable.
 *
 * @param server where to listen and the public address
 * @param database which database
 * @param provider the provider's facts
 * @param auth session and login limits
 * @param notices where customer notices are submitted
 * @param dns the resolver the DNS status pages ask ({@code [dns]}, as in the relay's config)
 * @param agents the agents' job API
 * @param maintenance the fleet's windows and the scheduler's settings
 */
public record ControlConfig(Server server, DatabaseConfig database, Provider provider, Auth auth, Notify notices,
                            DnsConfig dns, Agents agents, Maintenance maintenance) {

    /**
     * @param host the address to bind, e.g. {@code 127.0.0.1}
     * @param port 0..65535 (0: any free port, for tests)
     * @param publicUrl the URL users reach the control plane at
     */
    public record Server(String host, int port, URI publicUrl) {

        /** Whether cookies must be marked Secure: the public URL is https. */
        public boolean secureCookies() {
            return "https".equalsIgnoreCase(publicUrl.getScheme());
        }
    }

    /**
     * Exactly one of {@code jdbcUrl} (PostgreSQL) and {@code embeddedDirectory} (H2) is set.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, or {@code null}
     * @param user the database role (PostgreSQL)
     * @param password the password read from {@code password_file}; {@code null} for trust/peer
     * @param embeddedDirectory the H2 data directory, or {@code null}
     * @param poolSize connections in the pool
     */
    public record DatabaseConfig(String jdbcUrl, String user, String password, Path embeddedDirectory, int poolSize) {

        @Override
        public String toString() {
            // Never print the password.
            return jdbcUrl != null ? "postgresql " + jdbcUrl + " as " + user : "embedded " + embeddedDirectory;
        }
    }

    /** @param domain the provider's domain that server names end in */
    public record Provider(String domain) {
    }

    /**
     * @param sessionLifetime how long a login session lasts
     * @param loginFailureLimit failed logins per login and address within the window before 429
     * @param loginFailureWindow the window
     * @param loginAttemptRetention how long login attempts are kept before the pruner deletes them
     */
    public record Auth(Duration sessionLifetime, int loginFailureLimit, Duration loginFailureWindow,
                       Duration loginAttemptRetention) {
    }

    /**
     * @param smtpHost the relay's host, or {@code null}: notices are not sent
     * @param smtpPort the relay's port
     * @param sender the sender address of notices
     */
    public record Notify(String smtpHost, int smtpPort, String sender) {

        /** Whether a relay is configured. */
        public boolean configured() {
            return smtpHost != null;
        }
    }

    /**
     * @param jobLease how long a delivery (or a progress report) holds before the job is handed out again
     * @param enrolmentTokenValidity how long an enrolment token is valid unless the operator says otherwise
     */
    public record Agents(Duration jobLease, Duration enrolmentTokenValidity) {
    }

    /**
     * The {@code [maintenance]} section.
     *
     * @param fleet the fleet's schedule (customers may override parts of it)
     * @param weeksAhead how many weeks of windows are materialised ahead
     * @param pollInterval how often the scheduler looks for due tasks
     * @param taskLease how long a claimed task holds before another instance may take it over
     * @param osJobExpected the expected duration of an OS update (the cut-off)
     * @param soak how long a release waits after a green test stage before its rollout is planned
     *     (UPD-2), unless an operator approves it sooner
     */
    public record Maintenance(MaintenanceSchedule fleet, int weeksAhead, Duration pollInterval, Duration taskLease,
                              Duration osJobExpected, Duration soak) {

        /** The defaults: MAINT-1/MAINT-2's windows in Brussels, 8 weeks, 1 s, 10 min, 30 min, 24 h soak. */
        public static final Maintenance DEFAULT = new Maintenance(MaintenanceSchedule.DEFAULT, 8, Duration.ofSeconds(1),
                Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(24));
    }

    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([A-Za-z0-9.-]+)):(\\d{1,5})");
    private static final Pattern SENDER = Pattern.compile("[A-Za-z0-9._%+=-]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");

    /** Reads and validates a file. */
    public static ControlConfig load(Path file) throws ConfigException {
        return read(ConfigReader.open(file), file.toAbsolutePath().getParent());
    }

    /** Reads and validates TOML text; relative paths resolve against {@code baseDirectory}. */
    public static ControlConfig parse(String fileName, String text, Path baseDirectory) throws ConfigException {
        return read(ConfigReader.parse(fileName, text), baseDirectory);
    }

    private static ControlConfig read(ConfigReader reader, Path base) throws ConfigException {
        ConfigReader.Section server = reader.section("server");
        String listen = server.string("listen", "127.0.0.1:8080");
        String host = "127.0.0.1";
        int port = 8080;
        Matcher matcher = HOST_PORT.matcher(listen);
        if (matcher.matches() && Integer.parseInt(matcher.group(3)) <= 65535) {
            host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            port = Integer.parseInt(matcher.group(3));
        } else {
            server.problem("listen", "\"" + listen + "\"", "must be host:port (IPv6 as [addr]:port), port 0..65535");
        }
        String publicText = server.string("public_url", "http://" + (host.contains(":") ? "[" + host + "]" : host)
                + ":" + port);
        URI publicUrl = URI.create("http://127.0.0.1:8080");
        try {
            URI parsed = new URI(publicText);
            if (parsed.getScheme() == null || !Set.of("http", "https").contains(parsed.getScheme().toLowerCase(Locale.ROOT))
                    || parsed.getHost() == null) {
                server.problem("public_url", "\"" + publicText + "\"", "must be an http:// or https:// URL with a host");
            } else {
                publicUrl = parsed;
            }
        } catch (URISyntaxException bad) {
            server.problem("public_url", "\"" + publicText + "\"", "is not a URL: " + bad.getReason());
        }
        server.finish();

        ConfigReader.Section db = reader.section("database");
        String url = db.string("url", null);
        String user = db.string("user", "steward");
        String passwordFile = db.string("password_file", null);
        String embedded = db.string("embedded_directory", null);
        int poolSize = db.integer("pool_size", 10, 2, 200);
        String password = null;
        Path embeddedDirectory = null;
        if ((url == null) == (embedded == null)) {
            db.problem(url == null ? "url" : "url, embedded_directory", null,
                    "set exactly one: url (PostgreSQL) or embedded_directory (embedded H2)");
        }
        if (url != null && !url.startsWith("jdbc:postgresql://")) {
            db.problem("url", "\"" + url + "\"", "must be a jdbc:postgresql://host:port/database URL");
        }
        if (url == null && passwordFile != null) {
            db.problem("password_file", "\"" + passwordFile + "\"", "only applies with url (PostgreSQL)");
        }
        if (passwordFile != null && url != null) {
            password = readSecret(db, "password_file", base.resolve(passwordFile));
        }
        if (embedded != null) {
            embeddedDirectory = base.resolve(embedded).normalize();
        }
        db.finish();

        ConfigReader.Section provider = reader.section("provider");
        String domain = provider.string("domain", null);
        if (domain == null) {
            provider.problem("domain", null, "is required: the provider's domain that server names end in");
        } else {
            domain = domain.strip().toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(domain).matches()) {
                provider.problem("domain", "\"" + domain + "\"", "must be a domain name with at least two labels");
            }
        }
        provider.finish();

        ConfigReader.Section auth = reader.section("auth");
        Duration lifetime = auth.duration("session_lifetime", Duration.ofHours(12), Duration.ofMinutes(1), Duration.ofDays(30));
        int limit = auth.integer("login_failure_limit", 5, 1, 100);
        Duration window = auth.duration("login_failure_window", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1));
        Duration retention = auth.duration("login_attempt_retention", Duration.ofDays(30), Duration.ofMinutes(1),
                Duration.ofDays(365));
        if (retention.compareTo(window) < 0) {
            auth.problem("login_attempt_retention", retention.toString(),
                    "must be at least login_failure_window (" + window + "): the rate limit counts those attempts");
        }
        auth.finish();

        ConfigReader.Section notify = reader.section("notify");
        String smtp = notify.string("smtp", null);
        String smtpHost = null;
        int smtpPort = 25;
        if (smtp != null) {
            Matcher smtpMatcher = HOST_PORT.matcher(smtp);
            if (smtpMatcher.matches() && Integer.parseInt(smtpMatcher.group(3)) >= 1
                    && Integer.parseInt(smtpMatcher.group(3)) <= 65535) {
                smtpHost = smtpMatcher.group(1) != null ? smtpMatcher.group(1) : smtpMatcher.group(2);
                smtpPort = Integer.parseInt(smtpMatcher.group(3));
            } else {
                notify.problem("smtp", "\"" + smtp + "\"", "must be host:port (IPv6 as [addr]:port), port 1..65535");
            }
        }
        String sender = notify.string("sender", domain == null ? "steward@localhost" : "steward@" + domain);
        if (!SENDER.matcher(sender).matches()) {
            notify.problem("sender", "\"" + sender + "\"", "must be a plain address, local@domain");
        }
        notify.finish();

        // [dns]: the resolver the DNS status pages ask, the same section as the relay's.
        DnsConfig dns = DnsConfig.read(reader);

        ConfigReader.Section agents = reader.section("agents");
        Duration lease = agents.duration("job_lease", Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofDays(1));
        Duration enrolment = agents.duration("enrolment_token_validity", Duration.ofHours(24), Duration.ofMinutes(1),
                Duration.ofDays(30));
        agents.finish();

        Maintenance maintenance = maintenance(reader.section("maintenance"));

        reader.finish();
        return new ControlConfig(new Server(host, port, publicUrl),
                new DatabaseConfig(url, user, password, embeddedDirectory, poolSize),
                new Provider(domain), new Auth(lifetime, limit, window, retention),
                new Notify(smtpHost, smtpPort, sender), dns, new Agents(lease, enrolment), maintenance);
    }

    private static Maintenance maintenance(ConfigReader.Section section) {
        Maintenance defaults = Maintenance.DEFAULT;
        WeeklyWindow os = window(section, "os_window", defaults.fleet().os());
        WeeklyWindow app = window(section, "app_window", defaults.fleet().app());
        String zoneText = section.string("zone", defaults.fleet().zone().getId());
        ZoneId zone = defaults.fleet().zone();
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException unknown) {
            section.problem("zone", "\"" + zoneText + "\"", "must be an IANA time zone such as Europe/Brussels");
        }
        int weeks = section.integer("weeks_ahead", defaults.weeksAhead(), 1, 52);
        Duration poll = section.duration("scheduler_poll_interval", defaults.pollInterval(), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        Duration lease = section.duration("scheduler_lease", defaults.taskLease(), Duration.ofMinutes(1),
                Duration.ofDays(1));
        Duration osExpected = section.duration("os_job_expected_duration", defaults.osJobExpected(),
                Duration.ofMinutes(1), Duration.ofHours(12));
        if (osExpected.compareTo(os.nominalLength()) > 0) {
            section.problem("os_job_expected_duration", "\"" + DurationValue.format(osExpected) + "\"",
                    "must fit in the OS window (" + os + "): otherwise no OS update could ever start");
        }
        Duration soak = section.duration("soak_time", defaults.soak(), Duration.ZERO, Duration.ofDays(30));
        section.finish();
        return new Maintenance(new MaintenanceSchedule(zone, os, app), weeks, poll, lease, osExpected, soak);
    }

    private static WeeklyWindow window(ConfigReader.Section section, String key, WeeklyWindow fallback) {
        String text = section.string(key, fallback.text());
        try {
            return WeeklyWindow.parse(text);
        } catch (IllegalArgumentException invalid) {
            section.problem(key, "\"" + text + "\"", invalid.getMessage());
            return fallback;
        }
    }

    private static String readSecret(ConfigReader.Section section, String key, Path file) {
        String text = section.ownerOnlyFile(key, file, "must not be readable by group or others (chmod 600)");
        return text == null ? null : text.strip();
    }
}
