package dev.steward.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigReaderTest {

    private static final String FILE = "steward.toml";
    private static final List<String> CHOICES = List.of("normalize", "reject");
    private static final List<String> DEFAULT_LIST = List.of("default");
    private static final DataSize DEFAULT_SIZE = DataSize.ofMebibytes(25);
    private static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);

    @TempDir
    Path temp;

    /** Parses, lets {@code reading} read, finishes, and returns every problem message (empty when valid). */
    private static List<String> problems(String toml, Consumer<ConfigReader> reading) throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, toml);
        reading.accept(reader);
        ConfigException invalid = catchThrowableOfType(ConfigException.class, reader::finish);
        return invalid == null ? List.of() : invalid.problems().stream().map(ConfigProblem::message).toList();
    }

    /** Reads key {@code x} of {@code [s]} with the getter named {@code kind}; returns what the getter gave. */
    private static Object read(ConfigReader.Section section, String kind) {
        return switch (kind) {
            case "string" -> section.string("x", "default");
            case "stringList" -> section.stringList("x", DEFAULT_LIST);
            case "bool" -> section.bool("x", true);
            case "integer" -> section.integer("x", 10, 1, 100);
            case "dataSize" -> section.dataSize("x", DEFAULT_SIZE, DataSize.ofBytes(1024), DataSize.ofMebibytes(1024));
            case "duration" -> section.duration("x", DEFAULT_DURATION, Duration.ofSeconds(1), Duration.ofHours(1));
            case "choice" -> section.choice("x", "normalize", CHOICES);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Object defaultOf(String kind) throws ConfigException {
        return read(ConfigReader.parse(FILE, "").section("s"), kind);
    }

    @ParameterizedTest(name = "{0}: x = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            string     | "relay.example.test"      | relay.example.test
            string     | ''                        | §§
            string     | 'C:\\path'                | C:\\path
            string     | '''multi'''               | multi
            stringList | ["a", "b"]                | [a, b]
            stringList | []                        | []
            bool       | false                     | false
            bool       | true                      | true
            integer    | 1                         | 1
            integer    | 100                       | 100
            integer    | 0x10                      | 16
            integer    | 1_0                       | 10
            integer    | +42                       | 42
            dataSize   | "1KiB"                    | 1KiB
            dataSize   | "1GiB"                    | 1GiB
            dataSize   | "10 MB"                   | 10MB
            duration   | "1s"                      | PT1S
            duration   | "1h"                      | PT1H
            duration   | "1000ms"                  | PT1S
            choice     | "reject"                  | reject
            choice     | "normalize"               | normalize
            """)
    void getter_validValue_returnsIt_noProblem(String kind, String toml, String expected) throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, "[s]\nx = " + toml + "\n");
        ConfigReader.Section section = reader.section("s");

        assertThat(String.valueOf(read(section, kind))).isEqualTo(expected);
        section.finish();
        reader.finish();
        assertThat(reader.problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"string", "stringList", "bool", "integer", "dataSize", "duration", "choice"})
    void getter_keyOrSectionAbsent_returnsDefault_noProblem(String kind) throws ConfigException {
        for (String toml : List.of("", "[s]\n", "[other]\n")) {
            ConfigReader reader = ConfigReader.parse(FILE, toml);
            ConfigReader.Section section = reader.section("s");
            reader.section("other").finish();

            Object value = read(section, kind);
            section.finish();
            reader.finish();

            assertThat(value).as(toml).isEqualTo(switch (kind) {
                case "string" -> "default";
                case "stringList" -> DEFAULT_LIST;
                case "bool" -> true;
                case "integer" -> 10;
                case "dataSize" -> DEFAULT_SIZE;
                case "duration" -> DEFAULT_DURATION;
                default -> "normalize";
            });
        }
    }

    @ParameterizedTest(name = "{0}: x = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            string     | 5                    | 5: must be a string
            string     | -5                   | -5: must be a string
            string     | true                 | true: must be a string
            string     | 1.5                  | 1.5: must be a string
            string     | ["a"]                | ["a"]: must be a string
            string     | {a = 1}              | {"a":1}: must be a string
            stringList | "a"                  | "a": must be a list of strings, e.g. ["a", "b"]
            stringList | 5                    | 5: must be a list of strings, e.g. ["a", "b"]
            stringList | {a = "b"}            | {"a":"b"}: must be a list of strings, e.g. ["a", "b"]
            stringList | ["a", 5]             | ["a",5]: must be a list of strings; 5 is not a string
            stringList | ["a", true, 5]       | ["a",true,5]: must be a list of strings; true is not a string
            stringList | [["a"]]              | [["a"]]: must be a list of strings; ["a"] is not a string
            bool       | "true"               | "true": must be true or false
            bool       | "yes"                | "yes": must be true or false
            bool       | 1                    | 1: must be true or false
            bool       | 0                    | 0: must be true or false
            integer    | "10"                 | "10": must be a whole number between 1 and 100
            integer    | 1.5                  | 1.5: must be a whole number between 1 and 100
            integer    | 10.0                 | 10.0: must be a whole number between 1 and 100
            integer    | 1.50                 | 1.50: must be a whole number between 1 and 100
            integer    | 1e3                  | 1E+3: must be a whole number between 1 and 100
            integer    | inf                  | "Infinity": must be a whole number between 1 and 100
            integer    | true                 | true: must be a whole number between 1 and 100
            integer    | [1]                  | [1]: must be a whole number between 1 and 100
            integer    | 3000000000           | 3000000000: must be a whole number between 1 and 100
            integer    | 0                    | 0: must be between 1 and 100
            integer    | -1                   | -1: must be between 1 and 100
            integer    | 101                  | 101: must be between 1 and 100
            integer    | 2147483647           | 2147483647: must be between 1 and 100
            dataSize   | 1024                 | 1024: must be a quoted string with a unit, e.g. "30s" or "25MiB"
            dataSize   | true                 | true: must be a quoted string with a unit, e.g. "30s" or "25MiB"
            dataSize   | "lots"               | "lots": not a size: write a number with a unit such as "25MiB", "64KiB" or "10MB"
            dataSize   | "25 parsecs"         | "25 parsecs": unknown unit "parsecs": use B, KB, KiB, MB, MiB, GB or GiB
            dataSize   | "99999999999GiB"     | "99999999999GiB": size too large
            dataSize   | "1023B"              | "1023B": must be between 1KiB and 1GiB
            dataSize   | "1073741825B"        | "1073741825B": must be between 1KiB and 1GiB
            dataSize   | "1025MiB"            | "1025MiB": must be between 1KiB and 1GiB
            duration   | 30                   | 30: must be a quoted string with a unit, e.g. "30s" or "25MiB"
            duration   | 1.5                  | 1.5: must be a quoted string with a unit, e.g. "30s" or "25MiB"
            duration   | "30"                 | "30": not a duration: write a number with a unit such as "30s", "5m", "4h" or "5d"
            duration   | "5 minutes"          | "5 minutes": not a duration: write a number with a unit such as "30s", "5m", "4h" or "5d"
            duration   | "999ms"              | "999ms": must be between 1s and 1h
            duration   | "61m"                | "61m": must be between 1s and 1h
            duration   | "1w"                 | "1w": must be between 1s and 1h
            choice     | "sometimes"          | "sometimes": must be one of "normalize", "reject"
            choice     | "Reject"             | "Reject": must be one of "normalize", "reject"
            choice     | ""                   | "": must be one of "normalize", "reject"
            choice     | 5                    | 5: must be a string
            choice     | ["reject"]           | ["reject"]: must be a string
            """)
    void getter_wrongValue_oneProblemWithFileKeyValueRule_returnsDefault(String kind, String toml, String valueAndRule)
            throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, "[s]\nx = " + toml + "\n");
        ConfigReader.Section section = reader.section("s");

        Object value = read(section, kind);
        section.finish();

        assertThat(value).isEqualTo(defaultOf(kind));
        assertThat(reader.problems()).containsExactly(
                new ConfigProblem(FILE, "[s] x", valueAndRule.substring(0, valueAndRule.indexOf(": ")),
                        valueAndRule.substring(valueAndRule.indexOf(": ") + 2)));
        assertThatThrownBy(reader::finish)
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .extracting(ConfigProblem::message)
                        .containsExactly(FILE + ": [s] x = " + valueAndRule))
                .hasMessage(FILE + ": [s] x = " + valueAndRule);
    }

    @Test
    void choice_defaultNotAllowed_isAProblemToo() throws ConfigException {
        assertThat(problems("", reader -> reader.section("s").choice("mode", "auto", CHOICES)))
                .containsExactly(FILE + ": [s] mode = \"auto\": must be one of \"normalize\", \"reject\"");
    }

    @Test
    void sectionFinish_unknownKeys_listedWithKnownKeysInReadOrder() throws ConfigException {
        String toml = """
                [intake]
                max_recipents = 5
                listen = ["127.0.0.1:25"]
                bare_lf = "reject"
                timeout = "5m"
                """;
        assertThat(problems(toml, reader -> {
            ConfigReader.Section intake = reader.section("intake");
            intake.stringList("listen", List.of());
            intake.integer("max_recipients", 100, 1, 1000);
            intake.choice("bare_lf", "normalize", CHOICES);
            intake.finish();
        })).containsExactly(
                FILE + ": [intake] max_recipents = 5: unknown key; known keys in [intake]: listen, max_recipients, bare_lf",
                FILE + ": [intake] timeout = \"5m\": unknown key; known keys in [intake]: listen, max_recipients, bare_lf");
    }

    @Test
    void sectionFinish_keyOnlyCheckedWithHas_isUnknown() throws ConfigException {
        assertThat(problems("[s]\nx = 1\n", reader -> {
            ConfigReader.Section section = reader.section("s");
            assertThat(section.has("x")).isTrue();
            assertThat(section.has("y")).isFalse();
            section.string("y", "");
            section.finish();
        })).containsExactly(FILE + ": [s] x = 1: unknown key; known keys in [s]: y");
    }

    @Test
    void finish_unknownSections_listedWithKnownSectionsInReadOrder() throws ConfigException {
        String toml = """
                top = 1
                [queue]
                [dkim-typo]
                selector = "x"
                [intake]
                """;
        assertThat(problems(toml, reader -> {
            reader.section("intake").finish();
            reader.section("queue").finish();
            reader.section("server").finish();
        })).containsExactly(
                FILE + ": [top]: unknown section; known sections: [intake], [queue], [server]",
                FILE + ": [dkim-typo]: unknown section; known sections: [intake], [queue], [server]");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            intake = 5                      | 5
            intake = "on"                   | "on"
            intake = ["a"]                  | ["a"]
            [[intake]]\\nlisten = "x"       | [{"listen":"x"}]
            """)
    void section_notATable_problem_readsAsEmpty(String toml, String rendered) throws ConfigException {
        assertThat(problems(toml.replace("\\n", "\n"), reader -> {
            ConfigReader.Section intake = reader.section("intake");
            assertThat(intake.string("listen", "default")).isEqualTo("default");
            intake.finish();
        })).containsExactly(FILE + ": [intake] = " + rendered + ": must be a table ([intake])");
    }

    @Test
    void finish_manyProblemsInOneFile_allReportedInReadingOrder() throws ConfigException {
        String toml = """
                [server]
                hostname = 42
                [intake]
                listen = "127.0.0.1:25"
                max_message_size = "25 parsecs"
                max_recipients = 0
                command_timeout = 30
                data_timeout = "10"
                bare_lf = "sometimes"
                pipelining = "yes"
                max_recipents = 5
                [queue]
                min_backoff = "5m"
                max_backoff = "1m"
                [dkim-typo]
                selector = "x"
                """;
        ConfigReader reader = ConfigReader.parse(FILE, toml);
        ConfigReader.Section server = reader.section("server");
        assertThat(server.string("hostname", "localhost")).isEqualTo("localhost");
        server.finish();
        ConfigReader.Section intake = reader.section("intake");
        assertThat(intake.stringList("listen", List.of("127.0.0.1:25"))).containsExactly("127.0.0.1:25");
        assertThat(intake.dataSize("max_message_size", DEFAULT_SIZE, DataSize.ofBytes(1024), DataSize.ofMebibytes(1024)))
                .isEqualTo(DEFAULT_SIZE);
        assertThat(intake.integer("max_recipients", 100, 1, 100_000)).isEqualTo(100);
        assertThat(intake.duration("command_timeout", DEFAULT_DURATION, Duration.ofSeconds(1), Duration.ofHours(1)))
                .isEqualTo(DEFAULT_DURATION);
        assertThat(intake.duration("data_timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(1)))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(intake.choice("bare_lf", "normalize", CHOICES)).isEqualTo("normalize");
        assertThat(intake.bool("pipelining", true)).isTrue();
        intake.finish();
        ConfigReader.Section queue = reader.section("queue");
        Duration min = queue.duration("min_backoff", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
        Duration max = queue.duration("max_backoff", Duration.ofHours(4), Duration.ofSeconds(1), Duration.ofDays(1));
        if (max.compareTo(min) < 0) {
            queue.problem("max_backoff", "\"" + DurationValue.format(max) + "\"",
                    "must be >= min_backoff (\"" + DurationValue.format(min) + "\")");
        }
        queue.finish();
        reader.problem("(file)", null, "cross-section rule broken");

        List<String> expected = List.of(
                FILE + ": [server] hostname = 42: must be a string",
                FILE + ": [intake] listen = \"127.0.0.1:25\": must be a list of strings, e.g. [\"a\", \"b\"]",
                FILE + ": [intake] max_message_size = \"25 parsecs\": unknown unit \"parsecs\": use B, KB, KiB, MB, MiB, GB or GiB",
                FILE + ": [intake] max_recipients = 0: must be between 1 and 100000",
                FILE + ": [intake] command_timeout = 30: must be a quoted string with a unit, e.g. \"30s\" or \"25MiB\"",
                FILE + ": [intake] data_timeout = \"10\": not a duration: write a number with a unit such as \"30s\", \"5m\", \"4h\" or \"5d\"",
                FILE + ": [intake] bare_lf = \"sometimes\": must be one of \"normalize\", \"reject\"",
                FILE + ": [intake] pipelining = \"yes\": must be true or false",
                FILE + ": [intake] max_recipents = 5: unknown key; known keys in [intake]: listen, max_message_size, "
                        + "max_recipients, command_timeout, data_timeout, bare_lf, pipelining",
                FILE + ": [queue] max_backoff = \"1m\": must be >= min_backoff (\"5m\")",
                FILE + ": (file): cross-section rule broken",
                FILE + ": [dkim-typo]: unknown section; known sections: [server], [intake], [queue]");
        assertThatThrownBy(reader::finish)
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .extracting(ConfigProblem::message)
                        .containsExactlyElementsOf(expected))
                .hasMessage("12 configuration problems, first: " + expected.get(0));
        assertThat(reader.problems()).extracting(ConfigProblem::message).containsExactlyElementsOf(expected);
    }

    @Test
    void finish_noProblems_doesNotThrow() throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, "[s]\nx = \"a\"\n");
        ConfigReader.Section section = reader.section("s");
        section.string("x", "");
        section.finish();

        reader.finish();

        assertThat(reader.problems()).isEmpty();
        assertThat(reader.fileName()).isEqualTo(FILE);
        assertThat(section.name()).isEqualTo("s");
    }

    @Test
    void problems_isACopy() throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, "");
        List<ConfigProblem> before = reader.problems();

        reader.problem("[s] x", "1", "rule");

        assertThat(before).isEmpty();
        assertThat(reader.problems()).hasSize(1);
        assertThatThrownBy(() -> reader.problems().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void hasSection_presentOrAbsent() throws ConfigException {
        ConfigReader reader = ConfigReader.parse(FILE, "[testing]\n");

        assertThat(reader.hasSection("testing")).isTrue();
        assertThat(reader.hasSection("intake")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            unclosed table header | [intake\\nlisten = 1\\n | Newline not permitted here (line 1, column 8)
            key without value     | [s]\\nx =               | Premature end of file (line 2, column 4)
            value without key     | = 5                     | Unexpected token: Got KEY_VAL_SEP, expected key or table (line 1, column 1)
            unterminated string   | x = "abc                | Premature end of file (line 1, column 9)
            duplicate key         | [s]\\nx = 1\\nx = 2     | Duplicate key (line 3, column 6)
            duplicate table       | [s]\\n[s]              | Table redefined (line 2, column 3)
            bare word value       | x = yes                 | Unknown token (line 1, column 5)
            """)
    void parse_invalidToml_oneSyntaxProblemWithLineAndColumn(String name, String toml, String detail) {
        assertThatThrownBy(() -> ConfigReader.parse(FILE, toml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .containsExactly(new ConfigProblem(FILE, "(syntax)", null, "not valid TOML: " + detail)))
                .hasMessage(FILE + ": (syntax): not valid TOML: " + detail);
    }

    @Test
    void open_missingFile_oneProblem() {
        Path missing = temp.resolve("nope.toml");

        assertThatThrownBy(() -> ConfigReader.open(missing))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .containsExactly(new ConfigProblem(missing.toString(), "(file)", null, "does not exist")))
                .hasMessage(missing + ": (file): does not exist");
    }

    @Test
    void open_directory_cannotBeRead() {
        assertThatThrownBy(() -> ConfigReader.open(temp))
                .isInstanceOfSatisfying(ConfigException.class, invalid -> assertThat(invalid.problems())
                        .singleElement().satisfies(problem -> {
                            assertThat(problem.key()).isEqualTo("(file)");
                            assertThat(problem.rule()).startsWith("cannot be read: ");
                        }))
                .hasMessageStartingWith(temp + ": (file): cannot be read: ");
    }

    @Test
    void open_existingFile_readsIt_namedByPath() throws Exception {
        Path file = temp.resolve("relay.toml");
        Files.writeString(file, "[intake]\nmax_recipients = 0\n");
        ConfigReader reader = ConfigReader.open(file);

        reader.section("intake").integer("max_recipients", 100, 1, 1000);

        assertThat(reader.fileName()).isEqualTo(file.toString());
        assertThatThrownBy(reader::finish).hasMessage(file + ": [intake] max_recipients = 0: must be between 1 and 1000");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "\n", "# only a comment\n"})
    void parse_emptyFile_everyDefault_noProblem(String toml) throws ConfigException {
        assertThat(problems(toml, reader -> {
            ConfigReader.Section section = reader.section("s");
            assertThat(section.integer("x", 7, 1, 10)).isEqualTo(7);
            section.finish();
        })).isEmpty();
    }

    @Test
    void configException_exitCodeAndCopiedProblems() {
        List<ConfigProblem> problems = new java.util.ArrayList<>(List.of(new ConfigProblem("f", "[s] x", null, "must be set")));
        ConfigException invalid = new ConfigException(problems);
        problems.clear();

        assertThat(ConfigException.EX_CONFIG).isEqualTo(78);
        assertThat(invalid.problems()).hasSize(1);
        assertThat(invalid).hasMessage("f: [s] x: must be set");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            relay.toml | [queue] max_backoff | "1m" | must be >= min_backoff ("5m") | relay.toml: [queue] max_backoff = "1m": must be >= min_backoff ("5m")
            relay.toml | [intake] app_domains |     | must be set                   | relay.toml: [intake] app_domains: must be set
            relay.toml | [dkim]               |     | unknown section               | relay.toml: [dkim]: unknown section
            /etc/a b   | [s] x                | §§   | must not be empty             | /etc/a b: [s] x = : must not be empty
            """)
    void configProblem_message_fileKeyValueRule(String file, String key, String value, String rule, String message) {
        ConfigProblem problem = new ConfigProblem(file, key, value, rule);

        assertThat(problem.message()).isEqualTo(message);
        assertThat(problem).hasToString(message);
    }
}
