package dev.steward.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a TOML file section by section and collects every problem instead of stopping at the
 * first (Postfix {@code check_mail_conf_int}, but all at once). Unknown sections and keys are
 * problems too, so a misspelt key never silently falls back to a default.
 *
 * <p>Usage: {@code reader.section("intake")} returns a {@link Section} whose getters take the
 * default and the bounds, declared once next to the config record; then {@link #finish()} throws
 * {@link ConfigException} listing everything that was wrong.
 *
 * <p>Thread safety: single-threaded.
 */
public final class ConfigReader {

    /**
     * The TOML parser alone, without an {@code ObjectMapper}: {@link #tree} builds the tree from its
     * tokens. A {@code TomlMapper} and its {@code readTree} took 187 ms of a fresh JVM's start
     * against 56 ms for the parser (docs/performance-notes.md, session 17), and every command
     * reads its configuration first ({@code sendmail} once per message).
     */
    private static final TomlFactory TOML = new TomlFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String fileName;
    private final ObjectNode root;
    private final List<ConfigProblem> problems = new ArrayList<>(); // grows while reading
    private final Set<String> sectionsRead = new LinkedHashSet<>(); // for the unknown-section check

    private ConfigReader(String fileName, ObjectNode root) {
        this.fileName = fileName;
        this.root = root;
    }

    /** Reads and parses a file; a missing or unparsable file is a {@link ConfigException}. */
    public static ConfigReader open(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException missing) {
            throw new ConfigException(List.of(new ConfigProblem(name, "(file)", null, "does not exist")));
        } catch (IOException | RuntimeException unreadable) {
            throw new ConfigException(List.of(new ConfigProblem(name, "(file)", null,
                    "cannot be read: " + unreadable.getMessage())));
        }
        return parse(name, text);
    }

    /** Parses TOML text; {@code fileName} only labels the messages. */
    public static ConfigReader parse(String fileName, String text) throws ConfigException {
        ObjectNode tree;
        try {
            tree = tree(text);
        } catch (JsonProcessingException syntax) {
            JsonLocation where = syntax.getLocation();
            String detail = (syntax.getOriginalMessage() == null ? "syntax error" : syntax.getOriginalMessage())
                    + (where == null || where.getLineNr() < 1 ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
            throw new ConfigException(List.of(new ConfigProblem(fileName, "(syntax)", null, "not valid TOML: " + detail)));
        } catch (IOException unexpected) {
            throw new ConfigException(List.of(new ConfigProblem(fileName, "(file)", null,
                    "cannot be read: " + unexpected.getMessage())));
        }
        return new ConfigReader(fileName, tree);
    }

    /**
     * The document as a tree: a table is an {@link ObjectNode}, an array an {@link ArrayNode}. A
     * TOML document is a table, the root one; empty text is an empty one.
     */
    private static ObjectNode tree(String text) throws IOException {
        try (JsonParser parser = TOML.createParser(text)) {
            JsonToken first = parser.nextToken();
            return first == null ? NODES.objectNode() : (ObjectNode) node(parser, first);
        }
    }

    private static JsonNode node(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode table = NODES.objectNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String key = parser.currentName();
                    table.set(key, node(parser, parser.nextToken()));
                }
                yield table;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(node(parser, next));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (parser.getNumberType()) {
                // As written ({@code 10.0}, not {@code 1E+1}) for the messages: the factory would strip zeros.
                case BIG_DECIMAL -> DecimalNode.valueOf(parser.getDecimalValue());
                case FLOAT -> NODES.numberNode(parser.getFloatValue());
                default -> NODES.numberNode(parser.getDoubleValue());
            };
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(parser.getEmbeddedObject());
            default -> throw new IllegalStateException("the TOML parser gave " + token + " where a value belongs");
        };
    }

    public String fileName() {
        return fileName;
    }

    /** A section; absent sections read as empty, so every key takes its default. */
    public Section section(String name) {
        sectionsRead.add(name);
        JsonNode node = root.get(name);
        if (node != null && !node.isObject()) {
            problem("[" + name + "]", render(node), "must be a table ([" + name + "])");
            node = null;
        }
        return new Section(name, node == null ? NODES.objectNode() : (ObjectNode) node);
    }

    /** Whether the file has this section at all (for optional features such as {@code [testing]}). */
    public boolean hasSection(String name) {
        return root.has(name);
    }

    /** Records a problem found by a cross-field check (for example min &lt;= max). */
    public void problem(String key, String value, String rule) {
        problems.add(new ConfigProblem(fileName, key, value, rule));
    }

    /** Reports unknown sections, then throws if anything was wrong. */
    public void finish() throws ConfigException {
        for (Map.Entry<String, JsonNode> section : root.properties()) {
            String name = section.getKey();
            if (!sectionsRead.contains(name)) {
                problems.add(new ConfigProblem(fileName, "[" + name + "]", null,
                        "unknown section; known sections: " + String.join(", ", sectionsRead.stream().map(s -> "[" + s + "]").toList())));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    static String render(JsonNode node) {
        return node.isTextual() ? "\"" + node.asText() + "\"" : node.toString();
    }

    /**
     * One {@code [section]}. Getters return the default after recording a problem, so reading
     * continues and every problem is reported.
     */
    public final class Section {
        private final String name;
        private final ObjectNode node;
        private final Set<String> keysRead = new LinkedHashSet<>(); // for the unknown-key check

        Section(String name, ObjectNode node) {
            this.name = name;
            this.node = node;
        }

        public String name() {
            return name;
        }

        private String key(String key) {
            return "[" + name + "] " + key;
        }

        private JsonNode get(String key) {
            keysRead.add(key);
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        public boolean has(String key) {
            return node.has(key);
        }

        public void problem(String key, String value, String rule) {
            ConfigReader.this.problem(key(key), value, rule);
        }

        /**
         * The text of a secret file named by {@code key} (a password, a private key): only when
         * neither its group nor others may read or write it. Otherwise, or when it cannot be read,
         * records a problem ({@code rule} for the permissions) and returns null.
         */
        public String ownerOnlyFile(String key, Path file, String rule) {
            String shown = "\"" + file + "\"";
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.GROUP_READ)
                        || permissions.contains(PosixFilePermission.OTHERS_WRITE)
                        || permissions.contains(PosixFilePermission.GROUP_WRITE)) {
                    problem(key, shown, rule);
                    return null;
                }
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | UnsupportedOperationException e) {
                problem(key, shown, "cannot be read: " + (e instanceof AccessDeniedException
                        ? "permission denied (this program's user must own it)" : e.getMessage()));
                return null;
            }
        }

        public String string(String key, String defaultValue) {
            JsonNode value = get(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isTextual()) {
                problem(key, render(value), "must be a string");
                return defaultValue;
            }
            return value.asText();
        }

        public List<String> stringList(String key, List<String> defaultValue) {
            JsonNode value = get(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isArray()) {
                problem(key, render(value), "must be a list of strings, e.g. [\"a\", \"b\"]");
                return defaultValue;
            }
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    problem(key, render(value), "must be a list of strings; " + render(item) + " is not a string");
                    return defaultValue;
                }
                items.add(item.asText());
            }
            return List.copyOf(items);
        }

        public boolean bool(String key, boolean defaultValue) {
            JsonNode value = get(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isBoolean()) {
                problem(key, render(value), "must be true or false");
                return defaultValue;
            }
            return value.asBoolean();
        }

        public int integer(String key, int defaultValue, int min, int max) {
            JsonNode value = get(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                problem(key, render(value), "must be a whole number between " + min + " and " + max);
                return defaultValue;
            }
            int number = value.asInt();
            if (number < min || number > max) {
                problem(key, render(value), "must be between " + min + " and " + max);
                return defaultValue;
            }
            return number;
        }

        public DataSize dataSize(String key, DataSize defaultValue, DataSize min, DataSize max) {
            return parsed(key, defaultValue, DataSize::parse, size -> size.bytes() < min.bytes() || size.bytes() > max.bytes(),
                    "must be between " + min + " and " + max);
        }

        public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
            return parsed(key, defaultValue, DurationValue::parse, d -> d.compareTo(min) < 0 || d.compareTo(max) > 0,
                    "must be between " + DurationValue.format(min) + " and " + DurationValue.format(max));
        }

        /** An enumerated string value, e.g. {@code bare_lf = "normalize"|"reject"}. */
        public String choice(String key, String defaultValue, List<String> allowed) {
            String value = string(key, defaultValue);
            if (!allowed.contains(value)) {
                problem(key, "\"" + value + "\"", "must be one of " + String.join(", ", allowed.stream().map(a -> "\"" + a + "\"").toList()));
                return defaultValue;
            }
            return value;
        }

        private <T> T parsed(String key, T defaultValue, Function<String, T> parser,
                             java.util.function.Predicate<T> outOfBounds, String boundsRule) {
            JsonNode value = get(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isTextual()) {
                problem(key, render(value), "must be a quoted string with a unit, e.g. \"30s\" or \"25MiB\"");
                return defaultValue;
            }
            T result;
            try {
                result = parser.apply(value.asText());
            } catch (IllegalArgumentException bad) {
                problem(key, render(value), bad.getMessage());
                return defaultValue;
            }
            if (outOfBounds.test(result)) {
                problem(key, render(value), boundsRule);
                return defaultValue;
            }
            return result;
        }

        /** Reports keys that no getter asked for; call after reading the section. */
        public void finish() {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!keysRead.contains(field.getKey())) {
                    problem(field.getKey(), render(field.getValue()),
                            "unknown key; known keys in [" + name + "]: " + String.join(", ", keysRead));
                }
            }
        }
    }
}
