package dev.steward.dnscheck.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org/list/), used to find a name's organisational
 * domain for DMARC (RFC 7489 §3.2): the public suffix plus one label, e.g. {@code jouwfirma.net}
 * for {@code unifi.jouwfirma.net}, {@code example.co.uk} for {@code www.example.co.uk}.
 *
 * <p><b>Strategy.</b> The algorithm of https://publicsuffix.org/list/ ("Formal algorithm"): of the
 * rules that match the name's labels from the right, an exception rule ({@code !www.ck}) wins, else
 * the rule with the most labels (a wildcard {@code *.ck} matches any one label), else the implicit
 * rule {@code *}. The public suffix is the matched labels (minus the leftmost for an exception). Rules
 * from both the ICANN and the PRIVATE section apply, as DMARC implementations commonly do.
 * Names in A-label form ({@code xn--55qx5d.cn}) are matched through their U-label form, and the answer
 * keeps the spelling of the input (lowercased).
 *
 * <p>The list ships with the build ({@code public_suffix_list.dat}, MPL-2.0, from Debian's
 * {@code publicsuffix} package); see {@code PUBLIC_SUFFIX_LIST.NOTICE} beside it.
 *
 * <p>Thread safety: immutable after loading; thread-safe.
 */
public final class PublicSuffixList {

    private static final String RESOURCE = "public_suffix_list.dat";

    private final Set<String> rules; // normal rules, U-label form, lowercase
    private final Set<String> wildcards; // "*.x.y" stored as "x.y"
    private final Set<String> exceptions; // "!a.x.y" stored as "a.x.y"

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = Set.copyOf(rules);
        this.wildcards = Set.copyOf(wildcards);
        this.exceptions = Set.copyOf(exceptions);
    }

    private static final class Shipped {
        static final PublicSuffixList LIST = load();

        private static PublicSuffixList load() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the class path (a broken build)");
                }
                return parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + RESOURCE, e);
            }
        }
    }

    /** The list shipped with this build, loaded once. */
    public static PublicSuffixList shipped() {
        return Shipped.LIST;
    }

    /** Parses a list in the {@code public_suffix_list.dat} format (UTF-8). */
    public static PublicSuffixList parse(InputStream in) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            // "Each line is only read up to the first whitespace."
            rule = rule.split("\\s", 2)[0].toLowerCase(Locale.ROOT);
            if (rule.startsWith("!")) {
                exceptions.add(rule.substring(1));
            } else if (rule.startsWith("*.")) {
                wildcards.add(rule.substring(2));
            } else {
                rules.add(rule);
            }
        }
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    /**
     * The organisational (registrable) domain of {@code name}: its public suffix plus one label,
     * lowercased, in the input's spelling. Empty when {@code name} is itself a public suffix, or is
     * null, empty, starts with a dot or has an empty label.
     */
    public Optional<String> organizationalDomain(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".")) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        String[] labels = lower.split("\\.", -1);
        if (Arrays.stream(labels).anyMatch(String::isEmpty)) {
            return Optional.empty();
        }
        String[] unicode = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            unicode[i] = toUnicode(labels[i]);
        }
        int suffixLabels = suffixLabels(unicode);
        if (suffixLabels >= labels.length) {
            return Optional.empty();
        }
        return Optional.of(String.join(".", Arrays.copyOfRange(labels, labels.length - suffixLabels - 1, labels.length)));
    }

    /** True when {@code name} is a public suffix (no organisational domain of its own). */
    public boolean isPublicSuffix(String name) {
        return organizationalDomain(name).isEmpty();
    }

    private int suffixLabels(String[] labels) {
        int longest = 1; // the implicit "*" rule
        for (int start = labels.length - 1; start >= 0; start--) {
            String suffix = String.join(".", Arrays.copyOfRange(labels, start, labels.length));
            int count = labels.length - start;
            if (exceptions.contains(suffix)) {
                return count - 1; // an exception rule prevails; its public suffix drops the leftmost label
            }
            if (rules.contains(suffix)) {
                longest = Math.max(longest, count);
            }
            if (start > 0 && wildcards.contains(suffix)) {
                longest = Math.max(longest, count + 1);
            }
        }
        return longest;
    }

    private static String toUnicode(String label) {
        if (!label.startsWith("xn--")) {
            return label;
        }
        try {
            return IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notPunycode) {
            return label;
        }
    }
}
