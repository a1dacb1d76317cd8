package dev.steward.control.core.fleet;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A managed server's host name, as the provider names them (DNS-1: {@code clnXXX-prd-app00X.<provider
 * domain>}).
 *
 * <p><b>Format.</b> {@code cln<customer>-<role>-app<index>.<domain>}, lowercase, where
 * {@code <customer>} and {@code <index>} are at least three decimal digits (zero-padded:
 * {@code cln042}, {@code app001}, {@code cln1234}), {@code <role>} is {@code prd} (production) or
 * {@code tst} (test), and {@code <domain>} is the provider's domain: at least two labels of
 * letters, digits and inner hyphens, each at most 63 characters. The whole name is at most 253
 * characters. Examples: {@code cln042-prd-app001.hosting.example}, {@code cln007-tst-app002.nexx.eu}.
 * Input is accepted in any case and stored lowercase.
 *
 * <p>Thread safety: immutable.
 *
 * @param customerNumber the number after {@code cln}
 * @param role the role the name states
 * @param appNumber the number after {@code app}
 * @param domain the provider's domain
 */
public record ServerName(int customerNumber, ServerRole role, int appNumber, String domain) {

    private static final Pattern NAME = Pattern.compile("cln(\\d{3,6})-(prd|tst)-app(\\d{3,6})\\.(.+)");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** Validates the parts. */
    public ServerName {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(domain, "domain");
        if (customerNumber < 0 || appNumber < 0) {
            throw new IllegalArgumentException("numbers in a server name are not negative");
        }
        checkDomain(domain);
    }

    /**
     * Parses a server name.
     *
     * @throws IllegalArgumentException saying which part does not follow the format
     */
    public static ServerName parse(String text) {
        Objects.requireNonNull(text, "server name");
        String name = text.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > 253) {
            throw new IllegalArgumentException("server name longer than 253 characters");
        }
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("server name must look like cln042-prd-app001.<provider domain>"
                    + " (role prd or tst, at least three digits each): " + text);
        }
        return new ServerName(Integer.parseInt(matcher.group(1)), ServerRole.fromNameCode(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), matcher.group(4));
    }

    private static void checkDomain(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            throw new IllegalArgumentException("the provider domain needs at least two labels: " + domain);
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a valid DNS label in the provider domain: '" + label + "'");
            }
        }
    }

    /** The name as text, e.g. {@code cln042-prd-app001.hosting.example}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cln%03d-%s-app%03d.%s", customerNumber, role.nameCode(), appNumber, domain);
    }
}
