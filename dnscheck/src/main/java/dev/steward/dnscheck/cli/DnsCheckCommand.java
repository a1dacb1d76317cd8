package dev.steward.dnscheck.cli;

import dev.steward.common.config.DurationValue;
import dev.steward.dnscheck.DnsCheck;
import dev.steward.dnscheck.DnsCheckRequest;
import dev.steward.dnscheck.DnsReport;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code steward dns check APP_HOST (--server NAME | --ipv4 A --ipv6 B) [--selector nexx]
 * [--dkim-public-key FILE] [--resolver HOST[:PORT]] [--deadline 8s] [--json]}: runs the
 * {@link DnsCheck} and prints the report, as text or JSON.
 *
 * <p><b>Exit codes.</b> 0 all required records are in place; 1 the customer must change something;
 * 2 the check could not run completely (lookups failed or timed out; the report names them);
 * 64 usage error; 66 the DKIM public key file cannot be read or holds no key.
 *
 * <p><b>Time.</b> Each DNS try waits {@value #TRY_SECONDS} s, {@value #ATTEMPTS} rounds over the servers,
 * and every lookup together is cut off at the deadline ({@link DnsCheck#DEFAULT_DEADLINE} by default),
 * so with JVM start-up the command ends in under 10 s whatever DNS does.
 *
 * <p>Thread safety: stateless; each call is independent.
 */
public final class DnsCheckCommand {

    /** sysexits.h EX_USAGE. */
    public static final int EX_USAGE = 64;
    /** sysexits.h EX_NOINPUT: the key file cannot be read. */
    public static final int EX_NOINPUT = 66;

    static final int TRY_SECONDS = 2;
    static final int ATTEMPTS = 2;

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private DnsCheckCommand() {
    }

    /** The usage text, for {@code steward help} too. */
    public static final String USAGE = """
            usage: steward dns check APP_HOST (--server NAME | --ipv4 A --ipv6 B) [--selector nexx]
                                     [--dkim-public-key FILE] [--resolver HOST[:PORT]] [--deadline 8s] [--json]
              APP_HOST                the app's host name, e.g. unifi.jouwfirma.net
              --server NAME           the server's name; its A and AAAA records give its addresses
              --ipv4 A, --ipv6 B      the server's addresses (instead of, or overriding, --server)
              --selector S            the DKIM selector (default nexx)
              --dkim-public-key FILE  the server's DKIM key (the .pub file dkim keygen writes, or the
                                      private key file): compare it with the published record
              --resolver HOST[:PORT]  ask this DNS server (repeatable; default: /etc/resolv.conf)
              --deadline DURATION     give up on lookups after this long in all (default 8s)
              --json                  print the findings as JSON (schema in the README)
            exit: 0 all well, 1 a record must be fixed, 2 the check could not run completely, 64 usage""";

    /**
     * Runs {@code steward dns ARGS}; {@code args[0]} is the sub-command ({@code check}).
     *
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("check")) {
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("help"))) {
                out.println(USAGE);
                return 0;
            }
            err.println(args.length == 0 ? "steward dns: missing sub-command" : "steward dns: unknown sub-command \"" + args[0] + "\"");
            err.println(USAGE);
            return EX_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Options options;
        try {
            options = Options.parse(rest);
        } catch (UsageException usage) {
            err.println("steward dns check: " + usage.getMessage());
            err.println(USAGE);
            return EX_USAGE;
        }
        if (options.help) {
            out.println(USAGE);
            return 0;
        }
        PublicKey key = null;
        if (options.keyFile != null) {
            try {
                key = DkimKeys.readPublicKeyPem(Files.readString(options.keyFile, StandardCharsets.US_ASCII));
            } catch (IOException unreadable) {
                err.println("steward dns check: cannot read " + options.keyFile + ": " + unreadable.getMessage());
                return EX_NOINPUT;
            } catch (IllegalArgumentException notKey) {
                err.println("steward dns check: " + options.keyFile + ": " + notKey.getMessage());
                return EX_NOINPUT;
            }
        }
        DnsCheckRequest request;
        DnsjavaResolver resolver;
        try {
            request = new DnsCheckRequest(options.appHost, options.server, options.ipv4, options.ipv6, options.selector, key);
            resolver = new DnsjavaResolver(DnsConfig.of(options.resolvers, Duration.ofSeconds(TRY_SECONDS), ATTEMPTS));
        } catch (IllegalArgumentException invalid) {
            err.println("steward dns check: " + invalid.getMessage());
            return EX_USAGE;
        }
        String resolverText = String.join(", ", resolver.servers().stream().map(DnsConfig::format).toList());
        DnsReport report = new DnsCheck(resolver, options.deadline).run(request);
        if (options.json) {
            out.println(JsonReport.render(report, resolverText));
        } else {
            HumanReport.print(report, resolverText, out);
        }
        return report.exitCode();
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. Single-threaded. */
    private static final class Options {
        DomainName appHost; // the one positional argument
        DomainName server; // --server
        Inet4Address ipv4; // --ipv4
        Inet6Address ipv6; // --ipv6
        String selector = DnsCheckRequest.DEFAULT_SELECTOR; // --selector
        Path keyFile; // --dkim-public-key
        final List<String> resolvers = new ArrayList<>(); // --resolver, repeatable
        Duration deadline = DnsCheck.DEFAULT_DEADLINE; // --deadline
        boolean json; // --json
        boolean help; // --help

        static Options parse(String[] args) throws UsageException {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--json")) {
                    options.json = true;
                    continue;
                }
                if (arg.equals("--help") || arg.equals("-h")) {
                    options.help = true;
                    continue;
                }
                if (!arg.startsWith("--")) {
                    if (options.appHost != null) {
                        throw new UsageException("one APP_HOST only; \"" + arg + "\" is extra");
                    }
                    options.appHost = domain(arg, "APP_HOST");
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--server" -> options.server = domain(value, "--server");
                    case "--ipv4" -> options.ipv4 = ipv4(value);
                    case "--ipv6" -> options.ipv6 = ipv6(value);
                    case "--selector" -> options.selector = value;
                    case "--dkim-public-key" -> options.keyFile = Path.of(value);
                    case "--resolver" -> options.resolvers.add(value);
                    case "--deadline" -> options.deadline = deadline(value);
                    default -> throw new UsageException("unknown option \"" + arg + "\"");
                }
            }
            if (options.help) {
                return options;
            }
            if (options.appHost == null) {
                throw new UsageException("APP_HOST is missing");
            }
            if (options.server == null && (options.ipv4 == null || options.ipv6 == null)) {
                throw new UsageException("give --server NAME, or both --ipv4 and --ipv6");
            }
            return options;
        }

        private static DomainName domain(String text, String what) throws UsageException {
            try {
                DomainName name = DomainName.parse(text);
                if (!name.ascii().contains(".")) {
                    throw new UsageException(what + " \"" + text + "\" must be a fully qualified name (with a dot)");
                }
                return name;
            } catch (IllegalArgumentException invalid) {
                throw new UsageException(what + " \"" + text + "\": " + invalid.getMessage());
            }
        }

        private static Inet4Address ipv4(String text) throws UsageException {
            if (IPV4.matcher(text).matches() && literal(text) instanceof Inet4Address address) {
                return address;
            }
            throw new UsageException("--ipv4 \"" + text + "\" is not an IPv4 address like 192.0.2.10");
        }

        private static Inet6Address ipv6(String text) throws UsageException {
            if (IPV6.matcher(text).matches() && literal(text) instanceof Inet6Address address) {
                return address;
            }
            throw new UsageException("--ipv6 \"" + text + "\" is not an IPv6 address like 2001:db8::10");
        }

        /** A literal only (the patterns above make sure no name lookup can happen), or null. */
        private static InetAddress literal(String text) {
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException invalid) {
                return null;
            }
        }

        private static Duration deadline(String text) throws UsageException {
            Duration deadline;
            try {
                deadline = DurationValue.parse(text);
            } catch (IllegalArgumentException invalid) {
                throw new UsageException("--deadline \"" + text + "\": " + invalid.getMessage());
            }
            if (deadline.isZero() || deadline.isNegative() || deadline.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new UsageException("--deadline must be more than 0 and at most 5m");
            }
            return deadline;
        }
    }
}
