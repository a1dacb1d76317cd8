package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.dnscheck.cli.DnsCheckCommand;
import dev.steward.relay.admin.MailqFormatter;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.sendmail.SendmailCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/steward}: one launcher, one sub-command per program (like {@code postfix},
 * {@code postqueue}, {@code sendmail}). Exit codes follow sysexits.h: 64 usage, 78 config,
 * 71 OS error.
 */
public final class StewardCli {

    static final int EX_USAGE = 64;
    static final int EX_IOERR = 74;

    private StewardCli() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0 || args.length == 0 || !"relay".equals(args[0])) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return EX_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "relay" -> relay(rest, out, err);
            case "mailq" -> mailq(rest, out, err);
            case "queue" -> queue(rest, out, err);
            case "sendmail" -> SendmailCommand.run(rest, System.in, err);
            case "dev-config" -> DevConfig.run(rest, out, err);
            case "dkim" -> DkimCommand.run(rest, out, err);
            case "dns" -> DnsCheckCommand.run(rest, out, err);
            case "help", "--help", "-h" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("steward: unknown command \"" + args[0] + "\"");
                usage(err);
                yield EX_USAGE;
            }
        };
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: steward COMMAND [options]
                  relay --config FILE [--check-config]     run the mail relay in the foreground
                        [--allow-test-overrides]           accept a [testing] section (tests only)
                  relay --print-default-config             print every relay setting with its default
                  mailq [--config FILE] [--json]           list the queue
                  queue list|show ID|flush [ID]|delete ID|delete ALL|hold ID|release ID [--config FILE] [--json]
                                                           act on the queue (through the running relay,
                                                           or on the queue directory when it is stopped)
                  sendmail [-C FILE] [-t] [-i] [-f addr] [-F name] [rcpt ...]
                                                           submit a message from standard input
                  dkim keygen --domain APP_HOST [--selector nexx] [--algorithm rsa|ed25519] [--bits 2048] --out DIR
                                                           create a DKIM key (mode 0600) and print its DNS record
                  dkim record [--config FILE]              print the DNS record(s) for the configured DKIM key(s)
                  dkim rotate [--config FILE] [--selector NEW] [--wait 15m] [--poll 30s] [--resolver HOST[:PORT]]
                                                           new key under a new selector; waits until its record is
                                                           in DNS, then switches the config and the running relay
                  dns check APP_HOST (--server NAME | --ipv4 A --ipv6 B) [--selector nexx]
                            [--dkim-public-key FILE] [--resolver HOST[:PORT]] [--deadline 8s] [--json]
                                                           check the app host's DNS records (address, SPF,
                                                           DKIM, DMARC, reverse DNS) and print the records
                                                           to publish; exit 0 ok, 1 must fix, 2 incomplete
                  dev-config --dir DIR --listen HOST:PORT --app-domain DOMAIN
                                                           write a development relay.toml (make run)
                  semver …, maintenance …, control …       the control plane's commands (bin/steward runs them
                                                           from control-web; see README)""");
    }

    private static int relay(String[] args, PrintStream out, PrintStream err) {
        Path configFile = RelayConfig.DEFAULT_PATH;
        boolean checkOnly = false;
        boolean testOverrides = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--allow-test-overrides" -> testOverrides = true;
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("steward relay: --config needs a file");
                        return EX_USAGE;
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--check-config" -> checkOnly = true;
                case "--print-default-config" -> {
                    out.print(RelayConfig.defaultConfigText());
                    return 0;
                }
                default -> {
                    err.println("steward relay: unknown option \"" + args[i] + "\"");
                    return EX_USAGE;
                }
            }
        }
        RelayConfig config;
        try {
            config = RelayConfig.load(configFile, testOverrides);
        } catch (ConfigException invalid) {
            printProblems(invalid, err);
            return ConfigException.EX_CONFIG;
        }
        if (checkOnly) {
            out.println(configFile + ": ok");
            return 0;
        }
        Path file = configFile;
        boolean overrides = testOverrides;
        return RelayMain.runForeground(config, () -> RelayConfig.load(file, overrides));
    }

    /**
     * The config, or null after printing every problem to {@code err}. For the queue tools
     * ({@code mailq}, {@code queue}), which only read the queue directory: a {@code [testing]}
     * section is accepted, so they work next to a relay started with --allow-test-overrides.
     */
    private static RelayConfig loadOrReport(Path configFile, PrintStream err) {
        try {
            return RelayConfig.load(configFile, true);
        } catch (ConfigException invalid) {
            printProblems(invalid, err);
            return null;
        }
    }

    static void printProblems(ConfigException invalid, PrintStream err) {
        for (ConfigProblem problem : invalid.problems()) {
            err.println(problem.message());
        }
        err.println(invalid.problems().size() + (invalid.problems().size() == 1 ? " problem" : " problems")
                + " in the configuration; nothing was started");
    }

    private static int queue(String[] args, PrintStream out, PrintStream err) {
        Path configFile = RelayConfig.DEFAULT_PATH;
        boolean json = false;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if ("--json".equals(args[i])) {
                json = true;
            } else {
                words.add(args[i]);
            }
        }
        RelayConfig config = loadOrReport(configFile, err);
        if (config == null) {
            return ConfigException.EX_CONFIG;
        }
        return dev.steward.relay.admin.QueueCommand.run(words, config.queue().directory(), json, out, err);
    }

    private static int mailq(String[] args, PrintStream out, PrintStream err) {
        Path configFile = RelayConfig.DEFAULT_PATH;
        boolean json = false;
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if ("--json".equals(args[i])) {
                json = true;
            } else {
                unknown.add(args[i]);
            }
        }
        if (!unknown.isEmpty()) {
            err.println("steward mailq: unknown arguments " + unknown);
            return EX_USAGE;
        }
        RelayConfig config = loadOrReport(configFile, err);
        if (config == null) {
            return ConfigException.EX_CONFIG;
        }
        Path directory = config.queue().directory();
        if (!Files.isDirectory(directory)) {
            err.println("steward mailq: queue directory " + directory + " does not exist (has the relay run yet?)");
            return EX_IOERR;
        }
        List<QueueEntry> entries;
        try {
            entries = QueueStore.list(directory);
        } catch (IOException unreadable) {
            err.println("steward mailq: cannot read the queue in " + directory + ": " + unreadable.getMessage());
            return EX_IOERR;
        }
        MailqFormatter formatter = new MailqFormatter(ZoneId.systemDefault());
        out.print(json ? formatter.renderJson(entries) + "\n" : formatter.render(entries));
        return 0;
    }
}
