package dev.steward.dnscheck.dmarc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed DMARC policy record (RFC 7489 §6.3), the TXT value at {@code _dmarc.<domain>}, with the
 * RFC's defaults filled in.
 *
 * <p><b>Grammar.</b> The reading of mox's {@code dmarc/parse.go} (its test cases are our conformance
 * suite): {@code v=DMARC1} first (tag name any case, value exactly {@code DMARC1}) and followed by
 * {@code ;}; {@code p=} only directly after it (RFC 7489 §6.4 ABNF order); tag names are
 * case-insensitive; whitespace is allowed around {@code =}, {@code ;}, {@code ,} and {@code :};
 * unknown tags are skipped up to the next {@code ;}; a repeated tag is an error. Following RFC 7489
 * §6.6.3 step 6, a record whose {@code p=} is missing or whose {@code sp=} is invalid is still used as
 * {@code p=none} when it has a valid {@code rua=} URI.
 *
 * <p>Thread safety: immutable.
 *
 * @param version always {@code DMARC1}
 * @param policy {@code p=}
 * @param subdomainPolicy {@code sp=}, or null when absent (subdomains get {@code p=})
 * @param aggregateReports {@code rua=}
 * @param failureReports {@code ruf=}
 * @param dkimAlignment {@code adkim=}, relaxed by default
 * @param spfAlignment {@code aspf=}, relaxed by default
 * @param reportInterval {@code ri=}, seconds, 86400 by default
 * @param failureOptions {@code fo=}, {@code [0]} by default
 * @param reportFormats {@code rf=}, {@code [afrf]} by default
 * @param percent {@code pct=}, 0 to 100, 100 by default
 */
public record DmarcRecord(
        String version,
        Policy policy,
        Policy subdomainPolicy,
        List<ReportUri> aggregateReports,
        List<ReportUri> failureReports,
        Alignment dkimAlignment,
        Alignment spfAlignment,
        int reportInterval,
        List<String> failureOptions,
        List<String> reportFormats,
        int percent) {

    /** What a receiver should do with mail that fails DMARC. */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        /** The tag value: {@code none}, {@code quarantine}, {@code reject}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Identifier alignment mode (RFC 7489 §3.1). */
    public enum Alignment {
        /** {@code r}: the organisational domains must match. */
        RELAXED("r"),
        /** {@code s}: the domains must be equal. */
        STRICT("s");

        private final String tag;

        Alignment(String tag) {
            this.tag = tag;
        }

        /** The tag value, {@code r} or {@code s}. */
        public String tag() {
            return tag;
        }
    }

    /**
     * A reporting URI with its optional size limit (RFC 7489 §6.4 {@code dmarc-uri}).
     *
     * @param address the URI, e.g. {@code mailto:dmarc@example.org}
     * @param maxSize the size limit, 0 when none
     * @param unit the unit of the limit: empty (bytes), {@code k}, {@code m}, {@code g} or {@code t}
     */
    public record ReportUri(String address, long maxSize, String unit) {
        public ReportUri {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(unit, "unit");
        }
    }

    public DmarcRecord {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dkimAlignment, "dkimAlignment");
        Objects.requireNonNull(spfAlignment, "spfAlignment");
        aggregateReports = List.copyOf(aggregateReports);
        failureReports = List.copyOf(failureReports);
        failureOptions = List.copyOf(failureOptions);
        reportFormats = List.copyOf(reportFormats);
    }

    /** The policy for mail from a subdomain of the domain the record was found at. */
    public Policy effectiveSubdomainPolicy() {
        return subdomainPolicy != null ? subdomainPolicy : policy;
    }

    /** The outcome of parsing one TXT value. */
    public sealed interface Parse {
        /** A usable record. */
        record Valid(DmarcRecord record) implements Parse {}

        /** Starts like a DMARC record ({@code v=DMARC1}) but does not parse; receivers ignore it. */
        record Invalid(String reason) implements Parse {}

        /** Not a DMARC record at all (another TXT record at the name); RFC 7489 §6.6.3 discards it. */
        record NotDmarc() implements Parse {}
    }

    private static final Pattern DMARC_START = Pattern.compile("(?i:v)[ \t]*=[ \t]*DMARC1.*", Pattern.DOTALL);

    /** Parses one TXT value (its strings already joined). */
    public static Parse parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!DMARC_START.matcher(text).matches()) {
            return new Parse.NotDmarc();
        }
        try {
            return new Parse.Valid(new Parser(text).record());
        } catch (IllegalArgumentException invalid) {
            return new Parse.Invalid(invalid.getMessage());
        }
    }

    /** Recursive-descent parser over one value; throws IllegalArgumentException with the reason. Single-threaded. */
    private static final class Parser {
        private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

        private final String text;
        private int offset; // next character to read

        Parser(String text) {
            this.text = text;
        }

        DmarcRecord record() {
            expectIgnoringCase("v");
            whitespace();
            expect("=");
            whitespace();
            expect("DMARC1");
            whitespace();
            expect(";");
            Policy policy = null;
            String subdomainPolicy = null;
            List<ReportUri> rua = new ArrayList<>();
            List<ReportUri> ruf = new ArrayList<>();
            Alignment adkim = Alignment.RELAXED;
            Alignment aspf = Alignment.RELAXED;
            int interval = 86400;
            List<String> failureOptions = List.of("0");
            List<String> formats = List.of("afrf");
            int percent = 100;
            Set<String> seen = new HashSet<>();
            while (true) {
                whitespace();
                if (atEnd()) {
                    break;
                }
                String tag = word();
                String name = tag.toLowerCase(Locale.ROOT);
                if (!seen.add(name)) {
                    throw error("tag " + tag + "= appears twice");
                }
                whitespace();
                expect("=");
                whitespace();
                switch (name) {
                    case "p" -> {
                        if (seen.size() != 1) {
                            throw error("p= must come directly after v=DMARC1");
                        }
                        policy = Policy.valueOf(oneOf("none", "quarantine", "reject").toUpperCase(Locale.ROOT));
                    }
                    case "sp" -> subdomainPolicy = keyword().toLowerCase(Locale.ROOT);
                    case "rua" -> rua = uris();
                    case "ruf" -> ruf = uris();
                    case "adkim" -> adkim = oneOf("r", "s").equals("s") ? Alignment.STRICT : Alignment.RELAXED;
                    case "aspf" -> aspf = oneOf("r", "s").equals("s") ? Alignment.STRICT : Alignment.RELAXED;
                    case "ri" -> interval = number();
                    case "fo" -> failureOptions = list(() -> oneOf("0", "1", "d", "s"));
                    case "rf" -> formats = list(this::keyword);
                    case "pct" -> {
                        percent = number();
                        if (percent > 100) {
                            throw error("pct=" + percent + " is more than 100");
                        }
                    }
                    default -> {
                        // RFC 7489 §6.3: unknown tags must be ignored; skip the value.
                        while (!atEnd() && text.charAt(offset) != ';') {
                            offset++;
                        }
                    }
                }
                whitespace();
                if (!atEnd() && !take(";")) {
                    throw error("expected ; after " + tag + "=");
                }
            }
            Policy sp = null;
            boolean subdomainPolicyValid = true;
            if (subdomainPolicy != null) {
                switch (subdomainPolicy) {
                    case "none", "quarantine", "reject" -> sp = Policy.valueOf(subdomainPolicy.toUpperCase(Locale.ROOT));
                    default -> subdomainPolicyValid = false;
                }
            }
            if (policy == null || !subdomainPolicyValid) {
                // RFC 7489 §6.6.3 step 6: no valid p= (or a bad sp=) but a valid rua=: act as p=none.
                if (rua.isEmpty()) {
                    throw error(policy == null ? "p= is missing and there is no rua= address"
                            : "sp=" + subdomainPolicy + " is not none, quarantine or reject and there is no rua= address");
                }
                policy = Policy.NONE;
                sp = null;
            }
            return new DmarcRecord("DMARC1", policy, sp, rua, ruf, adkim, aspf, interval, failureOptions, formats, percent);
        }

        private interface Item {
            String read();
        }

        private List<String> list(Item item) {
            List<String> values = new ArrayList<>();
            values.add(item.read());
            whitespace();
            while (take(":")) {
                whitespace();
                values.add(item.read());
                whitespace();
            }
            return values;
        }

        private List<ReportUri> uris() {
            List<ReportUri> uris = new ArrayList<>();
            uris.add(uri());
            whitespace();
            while (take(",")) {
                whitespace();
                uris.add(uri());
                whitespace();
            }
            return uris;
        }

        private ReportUri uri() {
            // A URI may contain ';' in theory; like mox, assume it does not and cut at , ; or space.
            int start = offset;
            while (!atEnd() && ",; \t".indexOf(text.charAt(offset)) < 0) {
                offset++;
            }
            String value = text.substring(start, offset);
            if (value.isEmpty()) {
                throw error("a report URI is missing");
            }
            int bang = value.indexOf('!');
            String address = bang < 0 ? value : value.substring(0, bang);
            if (!SCHEME.matcher(address).matches()) {
                throw error("report URI \"" + address + "\" has no scheme (write mailto:...)");
            }
            if (bang < 0) {
                return new ReportUri(address, 0, "");
            }
            String size = value.substring(bang + 1);
            String unit = "";
            if (!size.isEmpty() && "kKmMgGtT".indexOf(size.charAt(size.length() - 1)) >= 0) {
                unit = size.substring(size.length() - 1).toLowerCase(Locale.ROOT);
                size = size.substring(0, size.length() - 1);
            }
            if (!size.matches("[0-9]+")) {
                throw error("size limit \"" + value.substring(bang + 1) + "\" of " + address + " is not a number with an optional k, m, g or t");
            }
            try {
                return new ReportUri(address, Long.parseUnsignedLong(size), unit);
            } catch (NumberFormatException tooBig) {
                throw error("size limit of " + address + " is too large");
            }
        }

        private int number() {
            int start = offset;
            while (!atEnd() && Character.isDigit(text.charAt(offset)) && text.charAt(offset) < 128) {
                offset++;
            }
            if (start == offset) {
                throw error("expected a number");
            }
            try {
                return Integer.parseInt(text.substring(start, offset));
            } catch (NumberFormatException tooBig) {
                throw error("number " + text.substring(start, offset) + " is too large");
            }
        }

        /** RFC 5321 keyword: letters, digits, hyphens, not ending in a hyphen. */
        private String keyword() {
            int start = offset;
            while (!atEnd() && (isLetterOrDigit(text.charAt(offset)) || text.charAt(offset) == '-')) {
                offset++;
            }
            while (offset > start && text.charAt(offset - 1) == '-') {
                offset--; // the hyphen is left for the caller, which then finds no ';'
            }
            if (start == offset) {
                throw error("expected a keyword");
            }
            return text.substring(start, offset);
        }

        private String word() {
            int start = offset;
            while (!atEnd() && isLetterOrDigit(text.charAt(offset))) {
                offset++;
            }
            if (start == offset) {
                throw error("expected a tag name");
            }
            return text.substring(start, offset);
        }

        private String oneOf(String... values) {
            for (String value : values) {
                if (text.regionMatches(true, offset, value, 0, value.length())) {
                    offset += value.length();
                    return value;
                }
            }
            throw error("expected one of " + String.join(", ", values));
        }

        private static boolean isLetterOrDigit(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        private void whitespace() {
            while (!atEnd() && (text.charAt(offset) == ' ' || text.charAt(offset) == '\t')) {
                offset++;
            }
        }

        private boolean take(String literal) {
            if (text.startsWith(literal, offset)) {
                offset += literal.length();
                return true;
            }
            return false;
        }

        private void expect(String literal) {
            if (!take(literal)) {
                throw error("expected \"" + literal + "\"");
            }
        }

        private void expectIgnoringCase(String literal) {
            if (!text.regionMatches(true, offset, literal, 0, literal.length())) {
                throw error("expected \"" + literal + "\"");
            }
            offset += literal.length();
        }

        private boolean atEnd() {
            return offset >= text.length();
        }

        private IllegalArgumentException error(String reason) {
            return new IllegalArgumentException(reason + " at position " + (offset + 1));
        }
    }
}
