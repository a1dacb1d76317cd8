package dev.steward.dnscheck.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Strict parsing, prefix matching and formatting of the addresses SPF deals with; not API.
 * Strict means the RFC 7208 §12 grammar: {@code ip4-network} has no leading zeros and exactly four
 * parts, {@code ip6-network} is RFC 4291 §2.2 text. No name is ever looked up.
 *
 * <p>Thread safety: stateless.
 */
final class IpAddresses {
    private IpAddresses() {}

    /** The four octets of a dotted quad in RFC 7208 {@code qnum} form, or null. */
    static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            octets[i] = (byte) value;
        }
        return octets;
    }

    /** The sixteen octets of RFC 4291 §2.2 text (with {@code ::} and a trailing dotted quad), or null. */
    static byte[] parseIpv6(String text) {
        if (text.isEmpty()) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        // A dotted quad may only end the address: in the head only when there is no "::".
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = gap >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int count = headGroups.length + tailGroups.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        int at = 0;
        for (int g : headGroups) {
            bytes[at++] = (byte) (g >> 8);
            bytes[at++] = (byte) g;
        }
        at = 16 - tailGroups.length * 2;
        for (int g : tailGroups) {
            bytes[at++] = (byte) (g >> 8);
            bytes[at++] = (byte) g;
        }
        return bytes;
    }

    /** 16-bit groups of colon-separated hex text; a final dotted quad (when allowed) gives two groups. */
    private static int[] groups(String part, boolean quadAllowed) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int quad = pieces[pieces.length - 1].indexOf('.') >= 0 ? 1 : 0;
        if (quad == 1 && !quadAllowed) {
            return null;
        }
        int[] out = new int[pieces.length + quad];
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (i == pieces.length - 1 && quad == 1) {
                byte[] v4 = parseIpv4(piece);
                if (v4 == null) {
                    return null;
                }
                out[i] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
                out[i + 1] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
                continue;
            }
            if (piece.isEmpty() || piece.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < piece.length(); j++) {
                char c = piece.charAt(j);
                boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
                if (!hex) {
                    return null;
                }
                int digit = Character.digit(c, 16);
                value = value << 4 | digit;
            }
            out[i] = value;
        }
        return out;
    }

    /** True when the first {@code prefix} bits of {@code address} and {@code network} agree (same length). */
    static boolean inPrefix(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }

    /**
     * The address SPF evaluates: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) becomes the
     * IPv4 address (RFC 7208 §5, last paragraphs); anything else is returned as it is, without a scope.
     */
    static InetAddress effective(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isMapped(bytes)) {
            byte[] v4 = {bytes[12], bytes[13], bytes[14], bytes[15]};
            return byAddress(v4);
        }
        return byAddress(bytes);
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    /**
     * The address of exactly these octets: 16 octets stay an {@link java.net.Inet6Address} even when
     * they are IPv4-mapped (which {@link InetAddress#getByAddress(byte[])} would turn into IPv4).
     */
    static InetAddress exactly(byte[] bytes) {
        if (bytes.length != 16) {
            return byAddress(bytes);
        }
        try {
            return java.net.Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(impossible);
        }
    }

    static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException("an address has 4 or 16 octets, not " + bytes.length, impossible);
        }
    }

    /** Dotted quad for IPv4, RFC 5952 text (lowercase, longest zero run as {@code ::}) for IPv6. */
    static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    /**
     * The {@code %{i}} form: a dotted quad for IPv4, 32 dot-separated nibbles for IPv6 (RFC 7208
     * §7.3). The nibbles are upper case, as in the OpenSPF test suite's expected explanations; DNS
     * names compare case-insensitively, so lookups are unaffected.
     */
    static String macroForm(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        StringBuilder out = new StringBuilder();
        for (byte octet : address.getAddress()) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(Character.forDigit((octet >> 4) & 0xF, 16)).append('.').append(Character.forDigit(octet & 0xF, 16));
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
