package dev.steward.relay.app;

import dev.steward.common.config.ConfigReader;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code [server]}.
 *
 * @param hostname the name this relay uses in its greeting, EHLO, Received and Message-ID; default:
 *                 the machine's host name
 */
public record ServerConfig(String hostname) {

    static ServerConfig read(ConfigReader reader) {
        ConfigReader.Section section = reader.section("server");
        String hostname = section.string("hostname", defaultHostname());
        if (!hostname.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                || hostname.length() > 253) {
            section.problem("hostname", "\"" + hostname + "\"", "must be a host name such as \"cln042-prd-app001.example.net\"");
        }
        section.finish();
        return new ServerConfig(hostname);
    }

    static String defaultHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
            return "localhost";
        }
    }
}
