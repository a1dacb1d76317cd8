package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlCliTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        return run(null, args);
    }

    static Result run(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = clock == null ? ControlCli.run(args, outStream, errStream) : ControlCli.run(args, outStream, errStream, clock);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "semver compare 1.2.3 1.10.0                     | -1",
            "semver compare 1.10.0 1.2.3                     | 1",
            "semver compare 1.0.0+a 1.0.0+b                  | 0",
            "semver compare 1.0.0-alpha.beta 1.0.0-alpha.1   | 1",
            "semver compare v2.3 2.3.0.0 --scheme loose      | 0",
            "semver compare --scheme loose 8.0.24.1 8.0.24   | 1",
            "semver classify 1.2.3 2.0.0                     | major",
            "semver classify 1.2.3 1.3.0                     | minor",
            "semver classify 1.2.3 1.2.4                     | patch",
            "semver classify 1.0.0-rc.1 1.0.0                | prerelease",
            "semver classify 1.2.4 1.2.3                     | none",
            "semver classify 1.2.3 1.2.3+build               | none",
            "semver classify 0.4.1 0.5.0                     | minor",
            "semver classify 0.4.1 0.5.0 --announce          | major",
            "semver classify 1.0.0-rc.1 1.0.0 --announce     | major",
            "semver classify 1.4.0 1.5.0 --announce         | minor",
            "semver classify 8.0.24 8.0.24.1 --scheme loose  | patch",
            "semver classify v2.3 3 --scheme loose           | major",
    })
    void semver_printsOneWord(String command, String expected) {
        Result result = run(command.split(" "));
        assertThat(result.code()).isZero();
        assertThat(result.out()).isEqualTo(expected + System.lineSeparator());
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "semver compare 1.2 1.2.3                        | steward semver compare: invalid version \"1.2\": expected MAJOR.MINOR.PATCH",
            "semver classify 1.2.3 v1.2.4                    | steward semver classify: invalid version \"v1.2.4\": a 'v' prefix is not part of SemVer 2.0.0",
            "semver classify 1.2.3 8.0.24p1 --scheme loose   | steward semver classify: invalid version \"8.0.24p1\": release number 3 \"24p1\" is not a number",
            "semver compare 01.2.3 1.2.3                     | major version \"01\" has a leading zero",
    })
    void semver_invalidVersion_exit2_reasonOnStderr(String command, String reason) {
        Result result = run(command.split(" "));
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains(reason);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                                              | usage: steward",
            "frobnicate                                      | unknown command \"frobnicate\"",
            "semver                                          | semver: expected compare or classify",
            "semver sort 1.2.3 1.2.4                         | unknown action \"sort\"",
            "semver compare 1.2.3                            | expected two versions, got 1",
            "semver compare 1.2.3 1.2.4 1.2.5                | expected two versions, got 3",
            "semver classify 1.2.3 1.2.4 --scheme calver     | --scheme is semver or loose",
            "semver classify 1.2.3 1.2.4 --scheme            | --scheme needs a value",
            "semver compare 1.2.3 1.2.4 --announce           | unknown option \"--announce\"",
            "maintenance                                     | maintenance: expected windows or emergency",
            "maintenance windows --count 0                   | --count is a number from 1 to 1000",
            "maintenance windows --count x                   | --count is a number from 1 to 1000",
            "maintenance windows --count 1001                | --count is a number from 1 to 1000",
            "maintenance windows --zone Mars/Olympus         | --zone is a time zone",
            "maintenance windows --kind emergency            | --kind is os or app",
            "maintenance windows --from 2026-11-30           | --from is an ISO-8601 instant",
            "maintenance windows --count 2 --count 3         | --count given twice",
            "maintenance windows tomorrow                    | unexpected argument \"tomorrow\"",
            "maintenance windows --blackout 30-11-2026       | --blackout is a date",
            "maintenance emergency --duration 3h             | --duration must be more than 0 and at most",
            "maintenance emergency --duration 20             | --duration: not a duration",
    })
    void usageErrors_exit64(String command, String message) {
        Result result = run(command.isEmpty() ? new String[0] : command.split(" "));
        assertThat(result.code()).isEqualTo(64);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains(message).contains("usage: steward COMMAND");
    }

    @Test
    void control_runsTheControlPlane_aMissingConfigIsExit78() {
        Result result = run("control", "--config", "/nonexistent/steward/control.toml");
        assertThat(result.code()).isEqualTo(78);
        assertThat(result.err()).contains("/nonexistent/steward/control.toml");
    }

    @Test
    void help_onStdout() {
        Result result = run("help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("semver compare A B").contains("maintenance windows");
    }

    @Test
    void windows_defaults_fourInterleavedFromNow_inBrussels() {
        Clock clock = Clock.fixed(Instant.parse("2026-10-19T04:30:00Z"), ZoneOffset.UTC);
        Result result = run(clock, "maintenance", "windows");
        assertThat(result.code()).isZero();
        assertThat(result.out().lines().toList()).containsExactly(
                "os 2026-10-19T05:00+02:00 2026-10-19T07:00+02:00",
                "app 2026-10-19T07:00+02:00 2026-10-19T09:00+02:00",
                "os 2026-10-26T05:00+01:00 2026-10-26T07:00+01:00",
                "app 2026-10-26T07:00+01:00 2026-10-26T09:00+01:00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "maintenance windows --from 2026-11-28T00:00:00Z --count 1                       | os 2026-11-30T05:00+01:00 2026-11-30T07:00+01:00",
            "maintenance windows --from 2026-03-24T00:00:00Z --count 2 --kind os             | os 2026-03-30T05:00+02:00 2026-03-30T07:00+02:00;os 2026-04-06T05:00+02:00 2026-04-06T07:00+02:00",
            "maintenance windows --from 2026-03-24T00:00:00Z --count 1 --kind app            | app 2026-03-30T07:00+02:00 2026-03-30T09:00+02:00",
            "maintenance windows --from 2027-10-26T00:00:00Z --count 2 --zone UTC            | os 2027-11-01T05:00+00:00 2027-11-01T07:00+00:00;app 2027-11-01T07:00+00:00 2027-11-01T09:00+00:00",
            "maintenance windows --from 2026-03-03T00:00:00Z --count 2 --zone America/New_York --kind os | os 2026-03-09T05:00-04:00 2026-03-09T07:00-04:00;os 2026-03-16T05:00-04:00 2026-03-16T07:00-04:00",
            "maintenance windows --from 2026-03-24T00:00:00Z --count 1 --kind os --blackout 2026-03-30 --blackout 2026-04-06 | os 2026-04-13T05:00+02:00 2026-04-13T07:00+02:00",
            "maintenance windows --from 2026-10-19T07:00:00+02:00 --count 1                  | app 2026-10-19T07:00+02:00 2026-10-19T09:00+02:00",
            "maintenance emergency --from 2026-03-28T12:00:00Z --duration 20m                | emergency 2026-03-29T04:00+02:00 2026-03-29T06:00+02:00 2026-03-29T04:00+02:00",
            "maintenance emergency --from 2026-10-25T03:30:00Z --duration 20m                | emergency 2026-10-25T04:00+01:00 2026-10-25T06:00+01:00 2026-10-25T04:30+01:00",
            "maintenance emergency --from 2026-03-28T12:00:00Z --zone Europe/Athens          | emergency 2026-03-30T04:00+03:00 2026-03-30T06:00+03:00 2026-03-30T04:00+03:00",
            "maintenance emergency --from 2026-03-28T12:00:00Z --blackout 2026-03-29         | emergency 2026-03-30T04:00+02:00 2026-03-30T06:00+02:00 2026-03-30T04:00+02:00",
            "maintenance emergency --from 2026-03-28T12:00:00Z --now                         | immediately 2026-03-28T13:00+01:00",
    })
    void maintenance_output(String command, String expectedLines) {
        Result result = run(command.split(" +"));
        assertThat(result.err()).isEmpty();
        assertThat(result.code()).isZero();
        assertThat(result.out().lines().toList()).containsExactly(expectedLines.split(";"));
    }

    @Test
    void windows_everyLine_matchesTheDocumentedFormat() {
        Pattern line = Pattern.compile("(os|app) \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d");
        Result result = run("maintenance", "windows", "--from", "2026-01-01T00:00:00Z", "--count", "1000");
        assertThat(result.code()).isZero();
        assertThat(result.out().lines()).hasSize(1000).allMatch(text -> line.matcher(text).matches());
    }
}
