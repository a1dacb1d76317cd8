package dev.steward.relay.intake;

import dev.steward.common.config.ConfigReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** {@code host:port} and {@code [v6]:port} listen addresses; numeric addresses only (no DNS at startup). */
public final class HostPort {

    private HostPort() {
    }

    public static InetSocketAddress parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("write an IPv6 address as \"[::1]:25\"");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("write \"host:port\", e.g. \"127.0.0.1:25\" or \"[::1]:25\"");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535");
        }
        if (number < 0 || number > 65535) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535");
        }
        return new InetSocketAddress(Cidr.numericAddress(host), number);
    }

    static List<InetSocketAddress> parseAll(ConfigReader.Section section, String key, List<String> values) {
        List<InetSocketAddress> result = new ArrayList<>();
        for (String value : values) {
            try {
                result.add(parse(value));
            } catch (IllegalArgumentException bad) {
                section.problem(key, "\"" + value + "\"", bad.getMessage());
            }
        }
        return List.copyOf(result);
    }

    /** {@code 127.0.0.1:25} or {@code [::1]:25}, without an IPv6 scope id. */
    public static String format(InetSocketAddress address) {
        String host = dev.steward.common.text.AddressText.of(address.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
