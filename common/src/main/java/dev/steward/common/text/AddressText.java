package dev.steward.common.text;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * IP addresses as people and logs write them: IPv4 dotted, IPv6 in the RFC 5952 canonical form
 * ({@code ::1}, {@code 2001:db8::25}), never the JDK's {@code 0:0:0:0:0:0:0:1}, and without a
 * scope ({@code %eth0}).
 *
 * <p>Thread safety: stateless.
 */
public final class AddressText {

    private AddressText() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups (the first if tied) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
