package dev.steward.relay.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts.<domain>} TXT record that announces an MTA-STS policy (RFC 8461 §3.1), for
 * example {@code v=STSv1; id=20160831085700Z;}, and the rule that picks it from a TXT answer.
 *
 * <p><b>Selection</b> (RFC 8461 §3.1): TXT records that do not begin with {@code v=STSv1;} are
 * discarded; if not exactly one remains, or the one left is not valid, the domain has no
 * available policy. Valid means the grammar of §3.1: fields separated by {@code ;} with optional
 * spaces or tabs around it, a trailing {@code ;} allowed, exactly one {@code id} of 1 to 32 letters
 * and digits, and extension fields ({@code name=value}) that are well-formed and otherwise
 * ignored.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the policy id: when it changes, the policy must be fetched again (RFC 8461 §3.1)
 */
public record MtaStsRecord(String id) {

    private static final String PREFIX = "v=STSv1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    public MtaStsRecord {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("an MTA-STS id is 1 to 32 letters and digits, was \"" + id + "\"");
        }
    }

    /** The outcome of {@link #select}: the record, or why the domain has none. */
    public sealed interface Selected {

        /** Exactly one valid record. */
        record Found(MtaStsRecord record) implements Selected {
            public Found {
                Objects.requireNonNull(record, "record");
            }
        }

        /** No usable record; {@code reason} is for the log. */
        record NotFound(String reason) implements Selected {
            public NotFound {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** Picks the record from all TXT records of {@code _mta-sts.<domain>} (each already joined into one string). */
    public static Selected select(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String record : txtRecords) {
            if (record.startsWith(PREFIX + ";")) {
                candidates.add(record);
            }
        }
        if (candidates.isEmpty()) {
            return new Selected.NotFound("no TXT record begins with \"v=STSv1;\"");
        }
        if (candidates.size() > 1) {
            return new Selected.NotFound(candidates.size() + " TXT records begin with \"v=STSv1;\" (RFC 8461 §3.1: exactly one)");
        }
        return parse(candidates.get(0));
    }

    /** One record that begins with {@code v=STSv1}; see the class comment for the grammar. */
    static Selected parse(String record) {
        if (!record.startsWith(PREFIX)) {
            return invalid("does not begin with v=STSv1");
        }
        String[] parts = record.substring(PREFIX.length()).split(";", -1);
        // parts[0] is what lies between "v=STSv1" and the first ';': only spaces or tabs.
        if (parts.length < 2 || !isWsp(parts[0])) {
            return invalid("no ';' after v=STSv1");
        }
        String id = null;
        for (int i = 1; i < parts.length; i++) {
            String field = stripWsp(parts[i]);
            if (field.isEmpty()) {
                if (i == parts.length - 1 && i > 1) {
                    break; // the optional trailing ';'
                }
                return invalid("an empty field");
            }
            if (field.startsWith("id=")) {
                if (id != null) {
                    return invalid("id given twice");
                }
                id = field.substring(3);
                if (!ID.matcher(id).matches()) {
                    return invalid("the id must be 1 to 32 letters and digits");
                }
            } else if (!EXTENSION.matcher(field).matches()) {
                return invalid("not a field: \"" + (field.length() <= 64 ? field : field.substring(0, 64) + "...") + "\"");
            }
        }
        if (id == null) {
            return invalid("no id field");
        }
        return new Selected.Found(new MtaStsRecord(id));
    }

    private static Selected invalid(String why) {
        return new Selected.NotFound("invalid MTA-STS TXT record: " + why);
    }

    private static boolean isWsp(String text) {
        return text.chars().allMatch(c -> c == ' ' || c == '\t');
    }

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
}
