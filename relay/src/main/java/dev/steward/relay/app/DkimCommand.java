package dev.steward.relay.app;

import dev.steward.common.config.ConfigException;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * {@code steward dkim keygen|record|rotate}: create a signing key and print the DNS TXT record that
 * publishes it, print the record again for the key(s) a configuration uses, or replace the key
 * ({@link DkimRotation}).
 */
final class DkimCommand {

    static final int EX_CANTCREAT = 73;

    private DkimCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return StewardCli.EX_USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "keygen" -> keygen(rest, out, err);
            case "record" -> record(rest, out, err);
            case "rotate" -> new DkimRotation(out, err, java.time.Clock.systemUTC()).run(rest);
            default -> {
                err.println("steward dkim: unknown sub-command \"" + args[0] + "\"");
                usage(err);
                yield StewardCli.EX_USAGE;
            }
        };
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: steward dkim keygen --domain APP_HOST [--selector nexx] [--algorithm rsa|ed25519] [--bits 2048] --out DIR
                       steward dkim record [--config FILE]""");
        DkimRotation.usage(out);
    }

    private static int keygen(String[] args, PrintStream out, PrintStream err) {
        String domainText = null;
        String selector = DkimConfig.DEFAULT_SELECTOR;
        String algorithm = "rsa";
        String bitsText = null;
        Path outDir = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--") || i + 1 >= args.length) {
                err.println("steward dkim keygen: " + (option.startsWith("--") ? option + " needs a value" : "unexpected argument \"" + option + "\""));
                usage(err);
                return StewardCli.EX_USAGE;
            }
            String value = args[++i];
            switch (option) {
                case "--domain" -> domainText = value;
                case "--selector" -> selector = value;
                case "--algorithm" -> algorithm = value;
                case "--bits" -> bitsText = value;
                case "--out" -> outDir = Path.of(value);
                default -> {
                    err.println("steward dkim keygen: unknown option \"" + option + "\"");
                    usage(err);
                    return StewardCli.EX_USAGE;
                }
            }
        }
        if (domainText == null || outDir == null) {
            err.println("steward dkim keygen: --domain and --out are required");
            usage(err);
            return StewardCli.EX_USAGE;
        }
        DomainName domain;
        try {
            domain = DomainName.parse(domainText);
        } catch (IllegalArgumentException bad) {
            err.println("steward dkim keygen: --domain \"" + domainText + "\": " + bad.getMessage());
            return StewardCli.EX_USAGE;
        }
        if (!DkimConfig.validSelector(selector)) {
            err.println("steward dkim keygen: --selector \"" + selector + "\": must be lowercase letters, digits and hyphens in dot-separated labels, such as \"nexx\"");
            return StewardCli.EX_USAGE;
        }
        KeyPair pair;
        switch (algorithm) {
            case "rsa" -> {
                int bits;
                try {
                    bits = bitsText == null ? DkimKeys.DEFAULT_RSA_BITS : Integer.parseInt(bitsText);
                    pair = DkimKeys.generateRsa(bits);
                } catch (IllegalArgumentException bad) {
                    err.println("steward dkim keygen: --bits \"" + bitsText + "\": " + (bad instanceof NumberFormatException
                            ? "must be a number such as 2048" : bad.getMessage()));
                    return StewardCli.EX_USAGE;
                }
            }
            case "ed25519" -> {
                if (bitsText != null) {
                    err.println("steward dkim keygen: --bits is for rsa keys only (Ed25519 keys have one size)");
                    return StewardCli.EX_USAGE;
                }
                pair = DkimKeys.generateEd25519();
            }
            default -> {
                err.println("steward dkim keygen: --algorithm \"" + algorithm + "\": must be \"rsa\" or \"ed25519\"");
                return StewardCli.EX_USAGE;
            }
        }
        Path keyFile = outDir.resolve(selector + "." + domain.ascii() + ".key");
        try {
            Files.createDirectories(outDir);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, DkimKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException exists) {
            err.println("steward dkim keygen: " + keyFile + " already exists; not overwriting it (delete it first, "
                    + "or use another --selector for a new key)");
            return EX_CANTCREAT;
        } catch (IOException | UnsupportedOperationException failure) {
            err.println("steward dkim keygen: cannot write " + keyFile + ": " + failure.getMessage());
            return StewardCli.EX_IOERR;
        }
        Path publicFile = outDir.resolve(selector + "." + domain.ascii() + ".pub");
        try {
            // Public, for the DNS check (dns check --dkim-public-key) and for whoever publishes the record.
            Files.writeString(publicFile, DkimKeys.publicKeyPem(pair.getPublic()), StandardCharsets.US_ASCII);
        } catch (IOException failure) {
            err.println("steward dkim keygen: cannot write " + publicFile + ": " + failure.getMessage());
            return StewardCli.EX_IOERR;
        }
        out.println("wrote " + keyFile + " (mode 0600, PKCS#8 PEM)");
        out.println("wrote " + publicFile + " (the public key, for dns check --dkim-public-key)");
        out.println("add to relay.toml:");
        out.println("  [dkim]");
        out.println("  selector = \"" + selector + "\"");
        out.println("  key_file = \"" + keyFile.toAbsolutePath() + "\"");
        if (algorithm.equals("ed25519")) {
            out.println("  algorithm = \"ed25519\"");
        }
        out.println("publish this DNS record:");
        printRecord(out, DkimKeys.txtRecord(domain, selector, pair.getPublic()));
        return 0;
    }

    private static int record(String[] args, PrintStream out, PrintStream err) {
        Path configFile = RelayConfig.DEFAULT_PATH;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                err.println("steward dkim record: unknown argument \"" + args[i] + "\"");
                usage(err);
                return StewardCli.EX_USAGE;
            }
        }
        RelayConfig config = signingConfig(configFile, "record", err);
        if (config == null) {
            return ConfigException.EX_CONFIG;
        }
        boolean first = true;
        for (DkimConfig.Key key : config.dkim().keys()) {
            PublicKey publicKey = DkimKeys.publicKey(key.privateKey());
            for (DomainName domain : config.intake().appDomains()) {
                if (!first) {
                    out.println();
                }
                first = false;
                printRecord(out, DkimKeys.txtRecord(domain, key.selector(), publicKey));
            }
        }
        return 0;
    }

    /**
     * The configuration at {@code configFile} when it loads and has a signing key; otherwise null,
     * after printing why (every config problem, or that signing is off) for {@code steward dkim SUBCOMMAND}.
     */
    static RelayConfig signingConfig(Path configFile, String subcommand, PrintStream err) {
        RelayConfig config;
        try {
            config = RelayConfig.load(configFile, true);
        } catch (ConfigException invalid) {
            StewardCli.printProblems(invalid, err);
            return null;
        }
        if (!config.dkim().enabled()) {
            err.println("steward dkim " + subcommand + ": " + configFile + " has no [dkim] key_file; signing is off "
                    + "(create a key with: steward dkim keygen --domain APP_HOST --out DIR)");
            return null;
        }
        return config;
    }

    private static void printRecord(PrintStream out, DkimTxtRecord record) {
        out.println("owner: " + record.owner());
        out.println("type:  TXT");
        out.println(record.zoneFileLine());
    }
}
