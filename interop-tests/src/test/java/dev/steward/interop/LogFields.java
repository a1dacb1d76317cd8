package dev.steward.interop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value} fields of one relay event line ({@code delivery queue_id=… to=<…> relay=…
 * tls=… status=… reply="…"}), as {@code common.text.LogLine} writes them: a bare value, a quoted
 * one with {@code \"} and {@code \\} escapes, or an address in {@code <…>}. Whatever precedes the
 * event name (the logger's time and level) is skipped. Immutable.
 */
record LogFields(String event, Map<String, String> fields) {

    /** The fields of {@code line} from the word {@code event} on; fails when the line has no such event. */
    static LogFields parse(String line, String event) {
        int start = line.indexOf(event + " ");
        if (start < 0) {
            throw new AssertionError("not a \"" + event + "\" line: " + line);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int i = start + event.length();
        int length = line.length();
        while (i < length) {
            while (i < length && line.charAt(i) == ' ') {
                i++;
            }
            int equals = line.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String key = line.substring(i, equals);
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < length && line.charAt(i) == '"') {
                i++;
                while (i < length && line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < length) {
                        c = line.charAt(i++);
                    }
                    value.append(c);
                }
                i++; // the closing quote
            } else {
                while (i < length && line.charAt(i) != ' ') {
                    value.append(line.charAt(i++));
                }
            }
            fields.put(key, value.toString());
        }
        return new LogFields(event, Collections.unmodifiableMap(fields));
    }

    /** The value of {@code key}; fails naming the line when it is missing. */
    String get(String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new AssertionError("no " + key + "= in " + event + " line " + fields);
        }
        return value;
    }
}
