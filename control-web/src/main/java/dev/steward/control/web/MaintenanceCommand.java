package dev.steward.control.web;

import dev.steward.common.config.DurationValue;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.EmergencyLane;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.io.PrintStream;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code steward maintenance windows} and {@code steward maintenance emergency}.
 *
 * <p>Output, one occurrence per line, fields separated by one space:
 * <pre>
 * windows:    KIND START END                  os 2026-11-30T05:00+01:00 2026-11-30T07:00+01:00
 * emergency:  emergency START END JOB_START   emergency 2026-12-01T04:00+01:00 2026-12-01T06:00+01:00 2026-12-01T04:00+01:00
 *             immediately JOB_START           immediately 2026-11-30T14:03+01:00
 * </pre>
 * Times are ISO-8601 local date-time to the minute with the offset in force at that instant in the
 * schedule's zone ({@link #TIME}: {@code uuuu-MM-dd'T'HH:mmxxx}, always {@code +HH:MM}, never
 * {@code Z}); window times are whole minutes, so nothing is lost. JOB_START of an emergency slot
 * that is already open is the current instant, shown to the minute (rounded down).
 */
final class MaintenanceCommand {

    /** The time format of every column. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmxxx");

    static final int DEFAULT_COUNT = 4;
    static final int MAX_COUNT = 1000;

    private MaintenanceCommand() {
    }

    static int run(String[] args, PrintStream out, Clock clock) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("maintenance: expected windows or emergency");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "windows" -> windows(rest, out, clock);
            case "emergency" -> emergency(rest, out, clock);
            default -> throw new UsageException("maintenance: unknown action \"" + args[0] + "\" (expected windows or emergency)");
        };
    }

    private static int windows(String[] args, PrintStream out, Clock clock) throws UsageException {
        String command = "maintenance windows";
        CommandLine line = CommandLine.parse(command, args, Set.of("--from", "--count", "--zone", "--kind", "--blackout"),
                Set.of(), Set.of("--blackout"));
        noPositional(command, line);
        Instant from = from(command, line, clock);
        int count = count(command, line.option("--count", String.valueOf(DEFAULT_COUNT)));
        ZoneId zone = zone(command, line);
        WindowCalendar calendar = new WindowCalendar(MaintenanceSchedule.DEFAULT.withZone(zone), blackouts(command, line));
        String kind = line.option("--kind", null);
        List<WindowOccurrence> occurrences;
        if (kind == null) {
            occurrences = calendar.next(from, count);
        } else if (kind.equals("os") || kind.equals("app")) {
            occurrences = calendar.next(WindowKind.fromToken(kind), from, count);
        } else {
            throw new UsageException(command + ": --kind is os or app, not \"" + kind + "\"");
        }
        for (WindowOccurrence occurrence : occurrences) {
            out.println(occurrence.kind().token() + " " + format(occurrence.start()) + " " + format(occurrence.end()));
        }
        return 0;
    }

    private static int emergency(String[] args, PrintStream out, Clock clock) throws UsageException {
        String command = "maintenance emergency";
        CommandLine line = CommandLine.parse(command, args, Set.of("--from", "--zone", "--duration", "--blackout"),
                Set.of("--now"), Set.of("--blackout"));
        noPositional(command, line);
        Instant from = from(command, line, clock);
        ZoneId zone = zone(command, line);
        Duration duration;
        try {
            duration = DurationValue.parse(line.option("--duration", "30m"));
        } catch (IllegalArgumentException invalid) {
            throw new UsageException(command + ": --duration: " + invalid.getMessage());
        }
        if (duration.isZero() || duration.compareTo(Duration.ofHours(2)) > 0) {
            throw new UsageException(command + ": --duration must be more than 0 and at most the slot's 2h");
        }
        EmergencyLane.Start start = new EmergencyLane(zone, blackouts(command, line)).plan(from, duration, line.flag("--now"));
        switch (start) {
            case EmergencyLane.Start.Immediately now -> out.println("immediately " + format(now.at().atZone(zone)));
            case EmergencyLane.Start.InSlot slot -> out.println("emergency " + format(slot.slot().start()) + " "
                    + format(slot.slot().end()) + " " + format(slot.at().atZone(zone)));
        }
        return 0;
    }

    static String format(ZonedDateTime time) {
        return TIME.format(time);
    }

    private static void noPositional(String command, CommandLine line) throws UsageException {
        if (!line.positional().isEmpty()) {
            throw new UsageException(command + ": unexpected argument \"" + line.positional().getFirst() + "\"");
        }
    }

    private static Instant from(String command, CommandLine line, Clock clock) throws UsageException {
        String text = line.option("--from", null);
        if (text == null) {
            return clock.instant();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException invalid) {
            throw new UsageException(command + ": --from is an ISO-8601 instant such as 2026-11-30T04:00:00Z, not \"" + text + "\"");
        }
    }

    private static int count(String command, String text) throws UsageException {
        try {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException(command + ": --count is a number from 1 to " + MAX_COUNT + ", not \"" + text + "\"");
    }

    private static ZoneId zone(String command, CommandLine line) throws UsageException {
        String text = line.option("--zone", MaintenanceSchedule.BRUSSELS.getId());
        try {
            return ZoneId.of(text);
        } catch (DateTimeException invalid) {
            throw new UsageException(command + ": --zone is a time zone such as Europe/Brussels, not \"" + text + "\"");
        }
    }

    private static BlackoutDates blackouts(String command, CommandLine line) throws UsageException {
        Set<LocalDate> dates = new HashSet<>();
        for (String text : line.options("--blackout")) {
            try {
                dates.add(LocalDate.parse(text));
            } catch (DateTimeException invalid) {
                throw new UsageException(command + ": --blackout is a date such as 2026-12-28, not \"" + text + "\"");
            }
        }
        return new BlackoutDates(Set.of(), dates);
    }
}
