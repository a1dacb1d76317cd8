package dev.steward.control.core.fleet;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One IP address of a server (PKG-5): every server has one IPv4 and one IPv6 address included;
 * more are extra, and an extra IPv4 address is billable while an extra IPv6 address is free.
 *
 * <p>The address is validated syntactically without any name lookup, and IPv6 is kept as given
 * in lowercase (the store compares the text, so callers should use the canonical compressed form).
 *
 * <p>Thread safety: immutable.
 *
 * @param family IPv4 or IPv6, matching the address
 * @param address the address literal
 * @param extra {@code false} for the one included address of its family
 * @param billable whether it is charged: exactly when it is an extra IPv4 address
 */
public record ServerAddress(AddressFamily family, String address, boolean extra, boolean billable) {

    private static final Pattern IPV4 = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:]{2,39}");

    /** Checks the literal against the family and the billing rule. */
    public ServerAddress {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(address, "address");
        address = address.strip().toLowerCase(java.util.Locale.ROOT);
        if (family == AddressFamily.IPV4 && !IPV4.matcher(address).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        if (family == AddressFamily.IPV6 && !isIpv6(address)) {
            throw new IllegalArgumentException("not an IPv6 address: " + address);
        }
        if (billable != isBillable(family, extra)) {
            throw new IllegalArgumentException("only an extra IPv4 address is billable (PKG-5)");
        }
    }

    /** An address with the billing rule applied: extra IPv4 is billable, everything else free. */
    public static ServerAddress of(AddressFamily family, String address, boolean extra) {
        return new ServerAddress(family, address, extra, isBillable(family, extra));
    }

    /** The included IPv4 address. */
    public static ServerAddress includedIpv4(String address) {
        return of(AddressFamily.IPV4, address, false);
    }

    /** The included IPv6 address. */
    public static ServerAddress includedIpv6(String address) {
        return of(AddressFamily.IPV6, address, false);
    }

    /** PKG-5: extra IPv4 addresses cost extra, extra IPv6 addresses are free. */
    public static boolean isBillable(AddressFamily family, boolean extra) {
        return extra && family == AddressFamily.IPV4;
    }

    private static boolean isIpv6(String text) {
        if (!IPV6_CHARS.matcher(text).matches()) {
            return false;
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon < 0) {
            return groups(text) == 8;
        }
        if (text.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int left = groups(text.substring(0, doubleColon));
        int right = groups(text.substring(doubleColon + 2));
        // "::" stands for at least one zero group.
        return left >= 0 && right >= 0 && left + right <= 7;
    }

    /** The number of 1..4-digit groups separated by single colons, or -1 if malformed. */
    private static int groups(String part) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] groups = part.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4) {
                return -1;
            }
        }
        return groups.length;
    }
}
