package dev.steward.control.web;

import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.version.ChangeClassifier;
import dev.steward.control.core.version.Classification;
import dev.steward.control.core.version.InvalidVersionException;
import dev.steward.control.core.version.Precedence;
import dev.steward.control.core.version.Version;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code steward semver compare A B [--scheme semver|loose]} prints {@code -1}, {@code 0} or
 * {@code 1}; {@code steward semver classify FROM TO [--scheme semver|loose] [--announce]} prints
 * {@code major}, {@code minor}, {@code patch}, {@code prerelease} or {@code none} (with
 * {@code --announce}: the class the update is announced as). Exit 2 for an invalid version, with
 * the reason on stderr; 64 for usage errors.
 */
final class SemverCommand {

    static final int EX_INVALID_VERSION = 2;

    private SemverCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("semver: expected compare or classify");
        }
        String action = args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        boolean classify = switch (action) {
            case "compare" -> false;
            case "classify" -> true;
            default -> throw new UsageException("semver: unknown action \"" + action + "\" (expected compare or classify)");
        };
        String command = "semver " + action;
        CommandLine line = CommandLine.parse(command, rest, Set.of("--scheme"), classify ? Set.of("--announce") : Set.of(), Set.of());
        if (line.positional().size() != 2) {
            throw new UsageException(command + ": expected two versions, got " + line.positional().size());
        }
        VersionScheme scheme = switch (line.option("--scheme", "semver")) {
            case "semver" -> VersionScheme.SEMVER;
            case "loose" -> VersionScheme.LOOSE;
            default -> throw new UsageException(command + ": --scheme is semver or loose, not \"" + line.option("--scheme", "") + "\"");
        };
        Version first;
        Version second;
        try {
            first = Version.parse(scheme, line.positional().get(0));
            second = Version.parse(scheme, line.positional().get(1));
        } catch (InvalidVersionException invalid) {
            err.println("steward " + command + ": " + invalid.getMessage());
            return EX_INVALID_VERSION;
        }
        if (!classify) {
            out.println(Precedence.compare(first, second));
        } else {
            Classification classification = ChangeClassifier.announce(first, second);
            out.println((line.flag("--announce") ? classification.announceAs() : classification.change()).token());
        }
        return 0;
    }
}
