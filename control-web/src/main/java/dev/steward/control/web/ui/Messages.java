package dev.steward.control.web.ui;

import dev.steward.control.core.Language;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The UI's texts in Dutch and English: {@code messages_nl.properties} and
 * {@code messages_en.properties} next to this class, UTF-8. Both files have the same keys (a test
 * holds them to it); a missing key is a bug and shows as {@code ??key??} rather than failing the
 * page. Placeholders are {@code {0}}, {@code {1}}, … replaced literally (no MessageFormat quoting,
 * so Dutch apostrophes need no escaping).
 *
 * <p>Thread safety: immutable after construction.
 */
public final class Messages {

    private final Map<Language, Properties> tables = new EnumMap<>(Language.class);

    /** Loads both tables from the classpath. */
    public Messages() {
        for (Language language : Language.values()) {
            Properties table = new Properties();
            String resource = "messages_" + language.code() + ".properties";
            try (InputStream in = Messages.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                table.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + resource, e);
            }
            tables.put(language, table);
        }
    }

    /** The text for {@code key} in {@code language}. */
    public String get(Language language, String key) {
        String text = tables.get(language).getProperty(key);
        return text == null ? "??" + key + "??" : text;
    }

    /** Whether {@code key} exists (in both languages; see the test). */
    public boolean has(String key) {
        return tables.get(Language.EN).containsKey(key);
    }

    /** The text with {@code {i}} replaced by {@code args[i]}. */
    public String format(Language language, String key, Object... args) {
        String text = get(language, key);
        for (int i = 0; i < args.length; i++) {
            text = text.replace("{" + i + "}", String.valueOf(args[i]));
        }
        return text;
    }

    /** The keys of one language's table. */
    public Set<String> keys(Language language) {
        Set<String> keys = new TreeSet<>();
        tables.get(language).stringPropertyNames().forEach(keys::add);
        return keys;
    }
}
