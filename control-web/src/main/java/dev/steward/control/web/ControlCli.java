package dev.steward.control.web;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;

/**
 * The control plane's side of {@code bin/steward}: {@code semver}, {@code maintenance} and
 * {@code control} (the control-plane process, {@link ControlMain}). The launcher sends these three commands here and everything else to
 * the relay's CLI, so the two programs never link each other (STYLE B1).
 *
 * <p>Exit codes follow sysexits.h where they apply: 0 success, 2 invalid version (the interface
 * contract), 64 usage error; {@code control} exits as {@link ControlMain#run} says.
 *
 * <p>Thread safety: stateless; each {@link #run} call is independent.
 */
public final class ControlCli {

    static final int EX_USAGE = 64;

    private ControlCli() {
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @return the exit code; output on {@code out}, diagnostics on {@code err}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Clock.systemUTC());
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        if (args.length == 0) {
            usage(err);
            return EX_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "semver" -> SemverCommand.run(rest, out, err);
                case "maintenance" -> MaintenanceCommand.run(rest, out, clock);
                case "control" -> ControlMain.run(rest, err);
                case "control-dev" -> DevSetup.run(rest, out, err);
                case "help", "--help", "-h" -> {
                    usage(out);
                    yield 0;
                }
                default -> throw new UsageException("unknown command \"" + args[0] + "\"");
            };
        } catch (UsageException usage) {
            err.println("steward " + usage.getMessage());
            usage(err);
            return EX_USAGE;
        }
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: steward COMMAND [options]   (control-plane commands)
                  semver compare A B [--scheme semver|loose]
                                                    print -1, 0 or 1: A's precedence against B's
                  semver classify FROM TO [--scheme semver|loose] [--announce]
                                                    print major, minor, patch, prerelease or none
                                                    (--announce: the class customers are told; 0.y.z
                                                    minor and pre-release updates are announced as major)
                  maintenance windows [--from ISO_INSTANT] [--count 4] [--zone Europe/Brussels]
                                      [--kind os|app] [--blackout YYYY-MM-DD]...
                                                    print the next windows: KIND START END
                  maintenance emergency [--from ISO_INSTANT] [--zone Europe/Brussels] [--duration 30m]
                                        [--blackout YYYY-MM-DD]... [--now]
                                                    print the next emergency slot (04:00-06:00 local)
                  control --config FILE             the control plane: REST API on 127.0.0.1:8080 by default
                  control-dev --dir DIR [--demo] [--reset-password LOGIN] ...
                                                    the all-in-one mode's set-up (make run): DIR/control.toml,
                                                    the first operator, demo data; new credentials printed once
                exit: 0 ok, 2 invalid version, 64 usage error""");
    }
}
