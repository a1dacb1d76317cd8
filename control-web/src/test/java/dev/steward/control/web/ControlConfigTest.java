package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlConfigTest {

    @TempDir
    Path dir;

    @Test
    void minimal_embedded_defaults() throws Exception {
        ControlConfig config = ControlConfig.parse("control.toml", """
                [database]
                embedded_directory = "data"
                [provider]
                domain = "Hosting.Example"
                """, dir);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().secureCookies()).isFalse();
        assertThat(config.database().embeddedDirectory()).isEqualTo(dir.resolve("data"));
        assertThat(config.provider().domain()).isEqualTo("hosting.example");
        assertThat(config.auth().sessionLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(config.auth().loginFailureLimit()).isEqualTo(5);
        assertThat(config.auth().loginFailureWindow()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void postgres_passwordFile_https_secureCookies() throws Exception {
        Path secret = Files.writeString(dir.resolve("db.password"), "s3cret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ControlConfig config = ControlConfig.parse("control.toml", """
                [server]
                listen = "[::1]:9090"
                public_url = "https://control.hosting.example"
                [database]
                url = "jdbc:postgresql://127.0.0.1:5432/steward"
                user = "steward"
                password_file = "db.password"
                [provider]
                domain = "hosting.example"
                [auth]
                session_lifetime = "8h"
                """, dir);
        assertThat(config.server().host()).isEqualTo("::1");
        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().secureCookies()).isTrue();
        assertThat(config.database().password()).isEqualTo("s3cret");
        assertThat(config.database().toString()).doesNotContain("s3cret");
    }

    @Test
    void everyProblemCollected_exit78() throws Exception {
        Path secret = Files.writeString(dir.resolve("open.password"), "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ControlConfig.parse("control.toml", """
                [server]
                listen = "localhost"
                public_url = "ftp://x"
                colour = "blue"
                [database]
                url = "jdbc:mysql://x/y"
                password_file = "open.password"
                [auth]
                login_failure_limit = 0
                [extra]
                """, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::message).containsExactlyInAnyOrder(
                                "control.toml: [server] listen = \"localhost\": must be host:port (IPv6 as [addr]:port), port 0..65535",
                                "control.toml: [server] public_url = \"ftp://x\": must be an http:// or https:// URL with a host",
                                "control.toml: [server] colour = \"blue\": unknown key; known keys in [server]: listen, public_url",
                                "control.toml: [database] url = \"jdbc:mysql://x/y\": must be a jdbc:postgresql://host:port/database URL",
                                "control.toml: [database] password_file = \"" + secret + "\": must not be readable by group or others (chmod 600)",
                                "control.toml: [provider] domain: is required: the provider's domain that server names end in",
                                "control.toml: [auth] login_failure_limit = 0: must be between 1 and 100",
                                "control.toml: [extra]: unknown section; known sections: [server], [database], [provider], [auth], [notify], [dns], [agents], [maintenance]"));
        assertThat(ConfigException.EX_CONFIG).isEqualTo(78);
    }

    @Test
    void agents_leaseAndEnrolmentValidity_defaultsBoundsAndSettings() throws Exception {
        String base = """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                """;
        ControlConfig defaults = ControlConfig.parse("c.toml", base, dir);
        assertThat(defaults.agents()).isEqualTo(new ControlConfig.Agents(Duration.ofMinutes(5), Duration.ofHours(24)));
        ControlConfig set = ControlConfig.parse("c.toml", base + """
                [agents]
                job_lease = "90s"
                enrolment_token_validity = "2d"
                """, dir);
        assertThat(set.agents()).isEqualTo(new ControlConfig.Agents(Duration.ofSeconds(90), Duration.ofDays(2)));
        assertThat(ControlMain.agentSettings(set).lease()).isEqualTo(Duration.ofSeconds(90));
        assertThat(ControlMain.agentSettings(set).enrolmentValidity()).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> ControlConfig.parse("c.toml", base + """
                [agents]
                job_lease = "1s"
                """, dir)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.message()).singleElement().asString().contains("[agents] job_lease"));
    }

    @Test
    void maintenance_defaultsOverridesAndProblems() throws Exception {
        ControlConfig defaults = ControlConfig.parse("c.toml", """
                [provider]
                domain = "hosting.example"
                [database]
                embedded_directory = "db"
                """, dir);
        assertThat(defaults.maintenance()).isEqualTo(ControlConfig.Maintenance.DEFAULT);
        assertThat(defaults.maintenance().fleet()).isEqualTo(dev.steward.control.core.maintenance.MaintenanceSchedule.DEFAULT);

        ControlConfig custom = ControlConfig.parse("c.toml", """
                [provider]
                domain = "hosting.example"
                [database]
                embedded_directory = "db"
                [maintenance]
                os_window = "sunday 23:00-01:00"
                app_window = "TUESDAY 06:00-08:00"
                zone = "Europe/Amsterdam"
                weeks_ahead = 12
                scheduler_poll_interval = "500ms"
                scheduler_lease = "15m"
                os_job_expected_duration = "45m"
                soak_time = "2h"
                """, dir);
        ControlConfig.Maintenance maintenance = custom.maintenance();
        assertThat(maintenance.fleet().zone()).isEqualTo(java.time.ZoneId.of("Europe/Amsterdam"));
        assertThat(maintenance.fleet().os().text()).isEqualTo("SUNDAY 23:00-01:00");
        assertThat(maintenance.fleet().app().text()).isEqualTo("TUESDAY 06:00-08:00");
        assertThat(maintenance.weeksAhead()).isEqualTo(12);
        assertThat(maintenance.pollInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(maintenance.taskLease()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(maintenance.osJobExpected()).isEqualTo(java.time.Duration.ofMinutes(45));
        assertThat(maintenance.soak()).isEqualTo(java.time.Duration.ofHours(2));

        assertThatThrownBy(() -> ControlConfig.parse("c.toml", """
                [provider]
                domain = "hosting.example"
                [database]
                embedded_directory = "db"
                [maintenance]
                os_window = "MONDAY 05:00"
                zone = "Europe/Atlantis"
                weeks_ahead = 0
                os_job_expected_duration = "3h"
                """, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::message).containsExactlyInAnyOrder(
                                "c.toml: [maintenance] os_window = \"MONDAY 05:00\": not a weekly window (DAY HH:MM-HH:MM,"
                                        + " e.g. MONDAY 05:00-07:00): MONDAY 05:00",
                                "c.toml: [maintenance] zone = \"Europe/Atlantis\": must be an IANA time zone such as"
                                        + " Europe/Brussels",
                                "c.toml: [maintenance] weeks_ahead = 0: must be between 1 and 52",
                                "c.toml: [maintenance] os_job_expected_duration = \"3h\": must fit in the OS window"
                                        + " (MONDAY 05:00–07:00): otherwise no OS update could ever start"));
    }

    @Test
    void notify_relayAndSender_defaultsAndProblems() throws Exception {
        ControlConfig none = ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                """, dir);
        assertThat(none.notices()).isEqualTo(new ControlConfig.Notify(null, 25, "steward@hosting.example"));
        assertThat(none.notices().configured()).isFalse();
        assertThat(none.auth().loginAttemptRetention()).isEqualTo(java.time.Duration.ofDays(30));
        ControlConfig relay = ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                [notify]
                smtp = "[::1]:2525"
                sender = "noc@hosting.example"
                """, dir);
        assertThat(relay.notices()).isEqualTo(new ControlConfig.Notify("::1", 2525, "noc@hosting.example"));
        assertThatThrownBy(() -> ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                [auth]
                login_attempt_retention = "5m"
                [notify]
                smtp = "relay"
                sender = "not an address"
                """, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::message).containsExactlyInAnyOrder(
                                "c.toml: [auth] login_attempt_retention = PT5M: must be at least login_failure_window (PT15M): the rate limit counts those attempts",
                                "c.toml: [notify] smtp = \"relay\": must be host:port (IPv6 as [addr]:port), port 1..65535",
                                "c.toml: [notify] sender = \"not an address\": must be a plain address, local@domain"));
    }

    @Test
    void dns_systemByDefault_serversAsTheRelayReadsThem() throws Exception {
        ControlConfig system = ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                """, dir);
        assertThat(system.dns()).isEqualTo(dev.steward.mail.dns.DnsConfig.systemDefault());
        ControlConfig own = ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                [dns]
                servers = ["127.0.0.53", "[::1]:5353"]
                timeout = "2s"
                attempts = 3
                """, dir);
        assertThat(own.dns().servers()).extracting(java.net.InetSocketAddress::getPort).containsExactly(53, 5353);
        assertThat(own.dns().timeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(own.dns().attempts()).isEqualTo(3);
        assertThatThrownBy(() -> ControlConfig.parse("c.toml", """
                [database]
                embedded_directory = "db"
                [provider]
                domain = "hosting.example"
                [dns]
                servers = ["resolver.example"]
                """, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::message).singleElement().asString()
                        .startsWith("c.toml: [dns] servers = \"resolver.example\": "));
    }

    @Test
    void neitherOrBothDatabases_refused() {
        assertThatThrownBy(() -> ControlConfig.parse("c.toml", "[provider]\ndomain = \"a.example\"\n", dir))
                .hasMessageContaining("set exactly one: url (PostgreSQL) or embedded_directory (embedded H2)");
        assertThatThrownBy(() -> ControlConfig.parse("c.toml", """
                [database]
                url = "jdbc:postgresql://127.0.0.1/x"
                embedded_directory = "d"
                [provider]
                domain = "a.example"
                """, dir)).hasMessageContaining("set exactly one");
    }
}
