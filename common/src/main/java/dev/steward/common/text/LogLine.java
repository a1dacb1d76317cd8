package dev.steward.common.text;

/**
 * A fixed-order {@code key=value} log line (logfmt), the one formatter for every event line
 * ({@code queued}, {@code intake_session}, {@code delivery}, ...). Field names are API: keep them
 * stable. Values with spaces, quotes, {@code =} or control characters are quoted and escaped;
 * control characters can never split a log line, whatever a client sends.
 *
 * <p>Usage: {@code LogLine.of("queued").field("queue_id", id).field("size", 123).toString()}.
 *
 * <p>Thread safety: single-threaded builder.
 */
public final class LogLine {

    private final StringBuilder text;

    private LogLine(String event) {
        this.text = new StringBuilder(64).append(event);
    }

    public static LogLine of(String event) {
        return new LogLine(event);
    }

    public LogLine field(String key, Object value) {
        text.append(' ').append(key).append('=');
        appendValue(value == null ? "" : value.toString());
        return this;
    }

    /** Adds {@code key=<value>}, the form for mail addresses (Postfix {@code from=<a@b>}). */
    public LogLine address(String key, String address) {
        text.append(' ').append(key).append("=<");
        appendEscaped(address == null ? "" : address, false);
        text.append('>');
        return this;
    }

    private void appendValue(String value) {
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ' ' || c == '"' || c == '=' || c == '\\' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
        }
        if (quote) {
            text.append('"');
            appendEscaped(value, true);
            text.append('"');
        } else {
            text.append(value);
        }
    }

    private void appendEscaped(String value, boolean quoted) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && quoted || c == '\\') {
                text.append('\\').append(c);
            } else if (Character.isISOControl(c)) { // C0, DEL and C1 (U+0085 NEL ends a line for some readers)
                text.append(String.format("\\x%02x", (int) c));
            } else if (c == '\u2028' || c == '\u2029') { // line and paragraph separators split lines in some viewers
                text.append(String.format("\\u%04x", (int) c));
            } else if (!quoted && (c == '>' || c == ' ')) {
                // Inside <...>: a '>' or a space could end the address early and forge a field
                // ("x> status=sent"@evil), so both are escaped there.
                text.append(String.format("\\x%02x", (int) c));
            } else {
                text.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
