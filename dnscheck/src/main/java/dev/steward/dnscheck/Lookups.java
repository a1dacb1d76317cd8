package dev.steward.dnscheck;

import dev.steward.mail.dns.DnsAnswer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Small shared pieces of the checks: how to name a failed lookup, how to show addresses. */
final class Lookups {

    private Lookups() {
    }

    /** {@code "TXT _dmarc.app.example.org: SERVFAIL from 127.0.0.1:53 (2 tries)"}. */
    static String failed(String type, String name, DnsAnswer.TempFail<?> failure) {
        return type + " " + name + ": " + failure.reason();
    }

    /** The address as a customer writes it: {@code 192.0.2.10}, {@code 2001:db8::10} (compressed, no scope). */
    static String text(InetAddress address) {
        String text = address.getHostAddress();
        int percent = text.indexOf('%');
        if (percent >= 0) {
            text = text.substring(0, percent);
        }
        if (text.contains(":")) {
            text = compressIpv6(text);
        }
        return text.toLowerCase(Locale.ROOT);
    }

    static List<String> texts(Collection<InetAddress> addresses) {
        return addresses.stream().map(Lookups::text).toList();
    }

    /** RFC 5952 §4: drop leading zeros, compress the longest run (of two or more) of zero groups. */
    private static String compressIpv6(String full) {
        String[] groups = full.split(":");
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", List.of(groups).subList(0, bestStart));
        String tail = String.join(":", List.of(groups).subList(bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
