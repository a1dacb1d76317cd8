package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.DurationValue;
import dev.steward.mail.dkim.DkimAlgorithm;
import dev.steward.mail.dkim.DkimKeyRecord;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import dev.steward.relay.admin.AdminServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code steward dkim rotate}: replaces the primary signing key with a new one under a new
 * selector, without a moment in which mail is signed with a key that receivers cannot find.
 *
 * <ol>
 *   <li><b>Create.</b> A new key of the same type (and, for RSA, size) as the current one, under the
 *       selector {@code <base>-<yyyymmdd>} (base: the current selector without an earlier date
 *       suffix) or {@code --selector}, in the current key's directory, with its {@code .pub}
 *       beside it. A marker file ({@value #PENDING}) remembers the rotation, so running the command
 *       again resumes it instead of making yet another key.</li>
 *   <li><b>Publish.</b> The command prints the TXT record for every app domain.</li>
 *   <li><b>Wait.</b> It asks DNS ({@code [dns] servers}, or {@code --resolver}) every
 *       {@code --poll} until every app domain's record holds the new public key, for at most
 *       {@code --wait}. Not visible in time: exit 75 (EX_TEMPFAIL) with what each lookup saw; run
 *       the same command again later and it picks up where it stopped.</li>
 *   <li><b>Switch.</b> The configuration's {@code [dkim] selector} and {@code key_file} are
 *       rewritten (the new file is checked by loading it before it replaces the old one, same
 *       permissions), and a running relay is told over its admin socket ({@code dkim-reload}) to
 *       sign with the new key from the next message on. A relay that is not running uses it at
 *       its next start.</li>
 * </ol>
 *
 * <p>The old key and its record stay: messages already queued were signed with it and are
 * verified against it until they are delivered (the queue keeps mail up to {@code max_lifetime},
 * 5 days by default) and receivers may check later still. The command says to delete the old DNS
 * record and key file after 7 days. Only the primary key rotates; the optional Ed25519 second key
 * has its own selector and is rotated by hand (README).
 */
final class DkimRotation {

    static final String PENDING = "rotation.pending";
    static final int EX_TEMPFAIL = 75;
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(15);
    static final Duration DEFAULT_POLL = Duration.ofSeconds(30);
    private static final Pattern DATE_SUFFIX = Pattern.compile("^(.+)-\\d{8}[a-z]?$");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    DkimRotation(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    static void usage(PrintStream out) {
        out.println("       steward dkim rotate [--config FILE] [--selector NEW] [--wait 15m] [--poll 30s] [--resolver HOST[:PORT]]");
    }

    int run(String[] args) {
        Path configFile = RelayConfig.DEFAULT_PATH;
        String newSelector = null;
        Duration wait = DEFAULT_WAIT;
        Duration poll = DEFAULT_POLL;
        String resolverText = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--") || i + 1 >= args.length) {
                return usageError(option.startsWith("--") ? option + " needs a value" : "unexpected argument \"" + option + "\"");
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--config" -> configFile = Path.of(value);
                    case "--selector" -> newSelector = value;
                    case "--wait" -> wait = DurationValue.parse(value);
                    case "--poll" -> poll = DurationValue.parse(value);
                    case "--resolver" -> resolverText = value;
                    default -> {
                        return usageError("unknown option \"" + option + "\"");
                    }
                }
            } catch (IllegalArgumentException bad) {
                return usageError(option + " \"" + value + "\": " + bad.getMessage());
            }
        }
        if (poll.isZero() || poll.isNegative()) {
            return usageError("--poll must be positive");
        }
        RelayConfig config = DkimCommand.signingConfig(configFile, "rotate", err);
        if (config == null) {
            return ConfigException.EX_CONFIG;
        }
        DkimConfig.Key current = config.dkim().keys().getFirst();
        Path keyDir = current.file().toAbsolutePath().getParent();
        DnsConfig dns;
        try {
            dns = resolverText == null ? config.dns()
                    : DnsConfig.of(List.of(resolverText), config.dns().timeout(), config.dns().attempts());
        } catch (IllegalArgumentException bad) {
            return usageError("--resolver \"" + resolverText + "\": " + bad.getMessage());
        }

        // 1. Create, or resume a rotation that an earlier run started.
        Path pending = keyDir.resolve(PENDING);
        String selector;
        KeyPair next;
        try {
            Optional<String> resumed = Files.exists(pending)
                    ? Optional.of(Files.readString(pending, StandardCharsets.US_ASCII).strip()) : Optional.empty();
            if (resumed.isPresent()) {
                selector = resumed.get();
                if (newSelector != null && !newSelector.equals(selector)) {
                    err.println("steward dkim rotate: a rotation to \"" + selector + "\" is pending (" + pending
                            + "); finish it first, or delete that file and the key it names to start over");
                    return StewardCli.EX_USAGE;
                }
                PrivateKey key = DkimKeys.readPrivateKeyPem(Files.readString(keyFile(keyDir, selector, config)));
                next = new KeyPair(DkimKeys.publicKey(key), key);
                out.println("resuming the rotation to selector " + selector + " (" + pending + ")");
            } else {
                selector = newSelector != null ? newSelector : nextSelector(current.selector(), keyDir, config);
                if (!DkimConfig.validSelector(selector)) {
                    return usageError("--selector \"" + selector + "\": must be lowercase letters, digits and hyphens "
                            + "in dot-separated labels");
                }
                String chosen = selector;
                if (config.dkim().keys().stream().anyMatch(key -> key.selector().equals(chosen))) {
                    return usageError("--selector \"" + selector + "\" is already in use; choose a new one");
                }
                next = generateLike(current.privateKey());
                writeKey(keyDir, selector, config, next);
                Files.writeString(pending, selector + "\n", StandardCharsets.US_ASCII);
                out.println("created key " + keyFile(keyDir, selector, config) + " for selector " + selector);
            }
        } catch (IOException | IllegalArgumentException failure) {
            err.println("steward dkim rotate: " + failure.getMessage());
            return StewardCli.EX_IOERR;
        }

        // 2. Publish.
        out.println("publish " + (config.intake().appDomains().size() == 1 ? "this DNS record" : "these DNS records")
                + " (keep the current " + current.selector() + " record too):");
        for (DomainName domain : config.intake().appDomains()) {
            out.println(DkimKeys.txtRecord(domain, selector, next.getPublic()).zoneFileLine());
        }

        // 3. Wait until every app domain's record is visible with the new key.
        Resolver resolver = new DnsjavaResolver(dns);
        long deadline = System.nanoTime() + wait.toNanos(); // elapsed time, not the (date-giving) clock
        List<String> missing;
        while (true) {
            missing = missing(resolver, config.intake().appDomains(), selector, next.getPublic());
            if (missing.isEmpty()) {
                break;
            }
            if (deadline - System.nanoTime() < poll.toNanos()) {
                out.println("not visible in DNS yet (asked " + dns.servers().stream().map(DnsConfig::format).toList() + "):");
                missing.forEach(line -> out.println("  " + line));
                out.println("signing still uses " + current.selector() + ". Run the same command again once the record"
                        + (config.intake().appDomains().size() == 1 ? " is" : "s are") + " published; it resumes.");
                return EX_TEMPFAIL;
            }
            out.println("waiting for DNS: " + String.join("; ", missing));
            try {
                Thread.sleep(poll); // DNS has no change notification to wait on: ask again after the interval
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return EX_TEMPFAIL;
            }
        }
        out.println("the record" + (config.intake().appDomains().size() == 1 ? " is" : "s are") + " visible in DNS");

        // 4. Switch: the configuration, then the running relay.
        try {
            switchConfig(configFile, selector, keyFile(keyDir, selector, config));
            Files.delete(pending);
        } catch (IOException | IllegalStateException failure) {
            err.println("steward dkim rotate: cannot update " + configFile + ": " + failure.getMessage()
                    + "; signing still uses " + current.selector());
            return StewardCli.EX_IOERR;
        }
        out.println("updated " + configFile + ": [dkim] selector = \"" + selector + "\"");
        Path socket = config.queue().directory().resolve(AdminServer.SOCKET);
        try {
            String answer = Files.exists(socket) ? AdminServer.request(socket, "dkim-reload") : null;
            if (answer == null) {
                out.println("no relay is running on " + config.queue().directory() + "; it signs with " + selector
                        + " from its next start");
            } else if (answer.startsWith("ok\n")) {
                out.println("the running relay is now " + answer.substring(3).strip());
            } else {
                err.println("steward dkim rotate: the running relay refused the reload: " + answer.strip()
                        + "; restart it to sign with " + selector);
                return StewardCli.EX_IOERR;
            }
        } catch (IOException notRunning) {
            out.println("no relay answers on " + socket + "; it signs with " + selector + " from its next start");
        }
        out.println("after 7 days (queued mail is signed with the old key), delete the DNS record "
                + current.selector() + "._domainkey." + config.intake().appDomains().getFirst().ascii()
                + (config.intake().appDomains().size() > 1 ? " (and those of the other app domains)" : "")
                + " and the old key file " + current.file());
        return 0;
    }

    private int usageError(String message) {
        err.println("steward dkim rotate: " + message);
        DkimCommand.usage(err);
        return StewardCli.EX_USAGE;
    }

    /** {@code nexx} → {@code nexx-20261128}; a second rotation the same day gets {@code b}, {@code c}, ... */
    private String nextSelector(String current, Path keyDir, RelayConfig config) {
        Matcher dated = DATE_SUFFIX.matcher(current);
        String base = dated.matches() ? dated.group(1) : current;
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).format(DAY);
        String candidate = base + "-" + day;
        for (char suffix = 'b'; candidate.equals(current) || Files.exists(keyFile(keyDir, candidate, config)); suffix++) {
            if (suffix > 'z') {
                throw new IllegalArgumentException("26 rotations today already; give --selector");
            }
            candidate = base + "-" + day + suffix;
        }
        return candidate;
    }

    /** Where keygen would put the key for this selector (named after the first app domain). */
    private static Path keyFile(Path keyDir, String selector, RelayConfig config) {
        return keyDir.resolve(selector + "." + config.intake().appDomains().getFirst().ascii() + ".key");
    }

    private static KeyPair generateLike(PrivateKey current) {
        if (DkimAlgorithm.forKey(current) == DkimAlgorithm.ED25519_SHA256) {
            return DkimKeys.generateEd25519();
        }
        int bits = current instanceof RSAPrivateCrtKey rsa ? rsa.getModulus().bitLength() : DkimKeys.DEFAULT_RSA_BITS;
        return DkimKeys.generateRsa(Math.max(bits, DkimKeys.DEFAULT_RSA_BITS));
    }

    private static void writeKey(Path keyDir, String selector, RelayConfig config, KeyPair pair) throws IOException {
        Path keyFile = keyFile(keyDir, selector, config);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, DkimKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII);
        Path publicFile = keyDir.resolve(selector + "." + config.intake().appDomains().getFirst().ascii() + ".pub");
        Files.writeString(publicFile, DkimKeys.publicKeyPem(pair.getPublic()), StandardCharsets.US_ASCII);
    }

    /** One line per app domain whose record does not yet hold {@code expected}; empty when all do. */
    private static List<String> missing(Resolver resolver, List<DomainName> domains, String selector, PublicKey expected) {
        List<String> missing = new ArrayList<>();
        for (DomainName domain : domains) {
            String name = selector + "._domainkey." + domain.ascii();
            String problem = switch (resolver.txt(name)) {
                case DnsAnswer.Records<String> records -> matches(records.records(), expected) ? null
                        : "the TXT record holds another key or is not a DKIM key record";
                case DnsAnswer.NxDomain<String> none -> "no such name (NXDOMAIN)";
                case DnsAnswer.NoData<String> none -> "no TXT record";
                case DnsAnswer.TempFail<String> failed -> "lookup failed: " + failed.reason();
            };
            if (problem != null) {
                missing.add(name + ": " + problem);
            }
        }
        return missing;
    }

    private static boolean matches(List<String> records, PublicKey expected) {
        for (String record : records) {
            try {
                PublicKey published = DkimKeyRecord.parse(record).publicKey();
                if (published != null && Arrays.equals(published.getEncoded(), expected.getEncoded())) {
                    return true;
                }
            } catch (IllegalArgumentException notAKeyRecord) {
                // another TXT record at the name; look at the next
            }
        }
        return false;
    }

    /**
     * Sets {@code selector} and {@code key_file} in the {@code [dkim]} section, keeping every other
     * line as it is; the result must load as a valid configuration before it replaces the file.
     */
    static void switchConfig(Path configFile, String selector, Path keyFile) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(configFile, StandardCharsets.UTF_8));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("[dkim]")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            throw new IllegalStateException("no [dkim] section");
        }
        int end = header + 1;
        while (end < lines.size() && !lines.get(end).strip().startsWith("[")) {
            end++;
        }
        boolean selectorSet = false;
        boolean keySet = false;
        for (int i = header + 1; i < end; i++) {
            String key = lines.get(i).strip().split("\\s*=", 2)[0];
            if (key.equals("selector")) {
                lines.set(i, "selector = \"" + selector + "\"");
                selectorSet = true;
            } else if (key.equals("key_file")) {
                lines.set(i, "key_file = \"" + keyFile.toAbsolutePath() + "\"");
                keySet = true;
            }
        }
        if (!keySet) {
            throw new IllegalStateException("[dkim] has no key_file line");
        }
        if (!selectorSet) {
            lines.add(header + 1, "selector = \"" + selector + "\"");
        }
        Path temporary = configFile.resolveSibling("." + configFile.getFileName() + ".rotate");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(configFile));
            RelayConfig.load(temporary, true); // never install a file the relay would refuse
            try {
                Files.move(temporary, configFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException impossible) {
                Files.move(temporary, configFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ConfigException invalid) {
            throw new IllegalStateException("the rewritten file would not load: " + invalid.problems());
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
