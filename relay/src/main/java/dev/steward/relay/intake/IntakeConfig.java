package dev.steward.relay.intake;

import dev.steward.common.config.ConfigReader;
import dev.steward.common.config.DataSize;
import dev.steward.mail.model.DomainName;
import dev.steward.smtp.wire.BareLf;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [intake]}: the SMTP listener applications talk to. Defaults and bounds are declared
 * here once, next to the record; {@link RelayConfig#defaultConfigText()} prints them.
 *
 * @param listen           addresses to listen on; production default loopback port 25, both families
 * @param allowedClients   client networks accepted besides loopback (CIDR); empty by default
 * @param appDomains       the app hosts whose addresses (and any subdomain's) may send
 * @param maxMessageSize   SIZE limit (RFC 1870), refused with 552 5.3.4
 * @param maxRecipients    recipients per message; RFC 5321 §4.5.3.1.8 requires at least 100
 * @param maxLineLength    a DATA line, in octets with CRLF; RFC 5321 §4.5.3.1.6: 1000
 * @param maxCommandLength a command line, in octets with CRLF; RFC 5321 §4.5.3.1.4: 512
 * @param commandTimeout   deadline for the next whole command line (not per read); RFC 5321 §4.5.3.2.7: 5 minutes
 * @param dataTimeout      deadline for each max_line_length octets of DATA content; RFC 5321 §4.5.3.2.7 (server, 5 minutes) doubled for slow apps
 * @param maxConnections   concurrent sessions; more are answered 421 4.7.0 and closed
 * @param stressCommandTimeout the command deadline while the intake is under stress (4/5 of max_connections
 *                         or more in use), also for waits that began earlier (Postfix: smtpd_timeout
 *                         = ${stress?10}{300}), so idle sessions make room when others need it
 * @param maxErrors        4xx/5xx replies in one session before it is dropped with 421 (Postfix smtpd_hard_error_limit)
 * @param maxJunkCommands  NOOP, RSET, VRFY and HELP commands in one session before each further one counts as an
 *                         error (Postfix smtpd_junk_command_limit): a client that only keeps its session
 *                         alive with complete commands is dropped after max_errors more of them
 * @param bareLf           {@code normalize} (Postfix 3.9's default) or {@code reject}
 */
public record IntakeConfig(List<InetSocketAddress> listen, List<Cidr> allowedClients, List<DomainName> appDomains,
                           DataSize maxMessageSize, int maxRecipients, int maxLineLength, int maxCommandLength,
                           Duration commandTimeout, Duration dataTimeout, int maxConnections,
                           Duration stressCommandTimeout, int maxErrors, int maxJunkCommands, BareLf bareLf) {

    static final List<String> DEFAULT_LISTEN = List.of("127.0.0.1:25", "[::1]:25");
    static final DataSize DEFAULT_MAX_MESSAGE_SIZE = DataSize.ofMebibytes(25);
    static final int DEFAULT_MAX_RECIPIENTS = 100;
    static final int DEFAULT_MAX_LINE_LENGTH = 1000;
    static final int DEFAULT_MAX_COMMAND_LENGTH = 512;
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_DATA_TIMEOUT = Duration.ofMinutes(10);
    static final int DEFAULT_MAX_CONNECTIONS = 100;
    static final Duration DEFAULT_STRESS_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_ERRORS = 10;
    static final int DEFAULT_MAX_JUNK_COMMANDS = 100;
    static final String DEFAULT_BARE_LF = "normalize";

    /** Reads {@code [intake]}, recording every problem in the reader. */
    public static IntakeConfig read(ConfigReader reader) {
        ConfigReader.Section section = reader.section("intake");
        List<String> listenText = section.stringList("listen", DEFAULT_LISTEN);
        List<InetSocketAddress> listen = HostPort.parseAll(section, "listen", listenText);
        if (listenText.isEmpty()) {
            section.problem("listen", "[]", "must name at least one address, e.g. [\"127.0.0.1:25\", \"[::1]:25\"]");
        }
        List<Cidr> allowed = parseCidrs(section, "allowed_clients", section.stringList("allowed_clients", List.of()));
        List<String> appDomains = section.stringList("app_domains", List.of());
        if (appDomains.isEmpty()) {
            section.problem("app_domains", section.has("app_domains") ? "[]" : null,
                    "must list the app host(s) that may send, e.g. [\"app.example.com\"]");
        }
        IntakeConfig config = new IntakeConfig(listen, allowed, parseDomains(section, appDomains),
                section.dataSize("max_message_size", DEFAULT_MAX_MESSAGE_SIZE, DataSize.ofBytes(1024), DataSize.ofMebibytes(1024)),
                section.integer("max_recipients", DEFAULT_MAX_RECIPIENTS, 1, 100_000),
                section.integer("max_line_length", DEFAULT_MAX_LINE_LENGTH, 1000, 1_000_000),
                section.integer("max_command_length", DEFAULT_MAX_COMMAND_LENGTH, 512, 65_536),
                section.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
                section.duration("data_timeout", DEFAULT_DATA_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
                section.integer("max_connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000),
                section.duration("stress_command_timeout", DEFAULT_STRESS_COMMAND_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
                section.integer("max_errors", DEFAULT_MAX_ERRORS, 1, 1000),
                section.integer("max_junk_commands", DEFAULT_MAX_JUNK_COMMANDS, 1, 100_000),
                "reject".equals(section.choice("bare_lf", DEFAULT_BARE_LF, List.of("normalize", "reject")))
                        ? BareLf.REJECT : BareLf.NORMALIZE);
        section.finish();
        return config;
    }

    /** Sessions in use from which the intake is under stress: four fifths of max_connections, at least one. */
    public int stressThreshold() {
        return Math.max(1, maxConnections * 4 / 5);
    }

    private static List<Cidr> parseCidrs(ConfigReader.Section section, String key, List<String> values) {
        List<Cidr> result = new ArrayList<>();
        for (String value : values) {
            try {
                result.add(Cidr.parse(value));
            } catch (IllegalArgumentException bad) {
                section.problem(key, "\"" + value + "\"", bad.getMessage());
            }
        }
        return List.copyOf(result);
    }

    private static List<DomainName> parseDomains(ConfigReader.Section section, List<String> values) {
        List<DomainName> result = new ArrayList<>();
        for (String value : values) {
            try {
                result.add(DomainName.parse(value));
            } catch (IllegalArgumentException bad) {
                section.problem("app_domains", "\"" + value + "\"", "not a domain name: " + bad.getMessage());
            }
        }
        return List.copyOf(result);
    }
}
