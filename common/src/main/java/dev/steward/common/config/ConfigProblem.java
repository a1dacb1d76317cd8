package dev.steward.common.config;

/**
 * One thing wrong with a configuration file, phrased the way Postfix phrases a bad parameter:
 * file, key, the value seen and the rule it broke.
 *
 * <p>Thread safety: immutable.
 *
 * @param file    the file name as given (for messages only)
 * @param key     {@code [section] key}, or {@code [section]} for a whole section
 * @param value   the offending value as written, or {@code null} when missing
 * @param rule    what the value must be, in plain words
 */
public record ConfigProblem(String file, String key, String value, String rule) {

    /** {@code relay.toml: [queue] max_backoff = "1m": must be >= min_backoff ("5m")}. */
    public String message() {
        StringBuilder text = new StringBuilder(file).append(": ").append(key);
        if (value != null) {
            text.append(" = ").append(value);
        }
        return text.append(": ").append(rule).toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
