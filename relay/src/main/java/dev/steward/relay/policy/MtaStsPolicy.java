package dev.steward.relay.policy;

import dev.steward.relay.policy.TlsPolicy.MtaStsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recipient domain's MTA-STS policy (RFC 8461 §3.2), as served at
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, and its parser.
 *
 * <p><b>Grammar</b> (RFC 8461 §3.2, applied strictly, because a policy we misread could send mail
 * in plaintext or to the wrong host): one {@code name: value} field per line, lines ended by LF or
 * CRLF; spaces and tabs are allowed after the colon and at the end of a line, nowhere else. Field
 * names are case-sensitive. Required, once each: {@code version: STSv1}, {@code mode: enforce |
 * testing | none}, {@code max_age:} 1 to 10 digits, at most {@value #MAX_AGE_LIMIT} seconds. At
 * least one {@code mx:} pattern ({@code mx1.example.net} or {@code *.example.net}, ASCII) unless the
 * mode is {@code none}. Unknown fields are ignored ("MUST be ignored") but must still be
 * well-formed ({@code sts-policy-extension}). Anything else, and a repeated version, mode or
 * max_age, makes the whole text invalid: the domain is treated as having no policy.
 *
 * <p>One leniency: empty lines (and lines of only spaces and tabs) are skipped. The ABNF has no
 * place for them, but a trailing blank line is common and carries no meaning.
 *
 * <p>Thread safety: immutable.
 *
 * @param mode       what to do when a host fails validation (RFC 8461 §5)
 * @param mxPatterns the {@code mx} patterns, lowercase, in the order given; empty only for mode {@code none}
 * @param maxAge     how long the policy may be cached after it was fetched (0 to {@value #MAX_AGE_LIMIT} s)
 */
public record MtaStsPolicy(MtaStsMode mode, List<String> mxPatterns, Duration maxAge) {

    /** RFC 8461 §3.2: the largest {@code max_age}, about one year, in seconds. */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_NAME_LENGTH = 253;

    public MtaStsPolicy {
        Objects.requireNonNull(mode, "mode");
        mxPatterns = List.copyOf(mxPatterns);
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.getSeconds() > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException("max_age must be 0.." + MAX_AGE_LIMIT + " seconds, was " + maxAge);
        }
        if (mode != MtaStsMode.NONE && mxPatterns.isEmpty()) {
            throw new IllegalArgumentException("a policy in mode " + mode + " needs at least one mx pattern");
        }
    }

    /** The outcome of {@link #parse}: a policy, or why the text is none. */
    public sealed interface Parsed {

        /** The text is a valid policy. */
        record Valid(MtaStsPolicy policy) implements Parsed {
            public Valid {
                Objects.requireNonNull(policy, "policy");
            }
        }

        /** The text is not a valid policy; {@code reason} names the first problem, for the log. */
        record Invalid(String reason) implements Parsed {
            public Invalid {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** Parses a policy body (already decoded as UTF-8). Never throws for bad text. */
    public static Parsed parse(String text) {
        Objects.requireNonNull(text, "text");
        String version = null;
        MtaStsMode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1); // CRLF
            }
            if (stripWsp(line).isEmpty()) {
                continue;
            }
            String where = "line " + (index + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon < 0) {
                return invalid(where + "no ':' in \"" + shorten(line) + "\"");
            }
            String name = line.substring(0, colon);
            if (!FIELD_NAME.matcher(name).matches()) {
                return invalid(where + "not a field name: \"" + shorten(name) + "\"");
            }
            String value = stripWsp(line.substring(colon + 1));
            if (value.isEmpty()) {
                return invalid(where + name + " has no value");
            }
            if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                return invalid(where + name + " has a control character in its value");
            }
            switch (name) {
                case "version" -> {
                    if (version != null) {
                        return invalid(where + "version given twice");
                    }
                    if (!value.equals("STSv1")) {
                        return invalid(where + "unsupported version \"" + shorten(value) + "\"");
                    }
                    version = value;
                }
                case "mode" -> {
                    if (mode != null) {
                        return invalid(where + "mode given twice");
                    }
                    mode = switch (value) {
                        case "enforce" -> MtaStsMode.ENFORCE;
                        case "testing" -> MtaStsMode.TESTING;
                        case "none" -> MtaStsMode.NONE;
                        default -> null;
                    };
                    if (mode == null) {
                        return invalid(where + "mode must be enforce, testing or none, was \"" + shorten(value) + "\"");
                    }
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        return invalid(where + "max_age given twice");
                    }
                    if (!MAX_AGE.matcher(value).matches()) {
                        return invalid(where + "max_age must be 1 to 10 digits, was \"" + shorten(value) + "\"");
                    }
                    maxAge = Long.parseLong(value);
                    if (maxAge > MAX_AGE_LIMIT) {
                        return invalid(where + "max_age " + value + " is more than " + MAX_AGE_LIMIT);
                    }
                }
                case "mx" -> {
                    String pattern = value.toLowerCase(Locale.ROOT);
                    if (!isMxPattern(pattern)) {
                        return invalid(where + "not an mx pattern: \"" + shorten(value) + "\"");
                    }
                    mx.add(pattern);
                }
                default -> {
                    // RFC 8461 §3.2: unknown fields are ignored (their syntax was checked above).
                }
            }
        }
        if (version == null) {
            return invalid("no version field");
        }
        if (mode == null) {
            return invalid("no mode field");
        }
        if (maxAge == null) {
            return invalid("no max_age field");
        }
        if (mode != MtaStsMode.NONE && mx.isEmpty()) {
            return invalid("no mx field (required in mode " + mode.name().toLowerCase(Locale.ROOT) + ")");
        }
        return new Parsed.Valid(new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge)));
    }

    /** {@code ["*."] Domain} (RFC 8461 §3.2, RFC 5321 §4.1.2), already lowercase. */
    private static boolean isMxPattern(String pattern) {
        String domain = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (domain.isEmpty() || domain.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Removes spaces and tabs (WSP) at both ends, and nothing else. */
    private static String stripWsp(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }

    private static Parsed invalid(String reason) {
        return new Parsed.Invalid(reason);
    }

    /** Remote text in a reason: at most 64 characters (the log escapes what is left). */
    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
