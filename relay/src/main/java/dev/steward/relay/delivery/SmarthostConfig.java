package dev.steward.relay.delivery;

import dev.steward.common.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code [smarthost]} (MAIL-5): route every message through the customer's own mail server instead
 * of the recipients' MX hosts. TLS is always required and verified (certificate chain and host
 * name); AUTH PLAIN/LOGIN only inside TLS; never a plaintext fallback.
 *
 * <p>Thread safety: immutable. {@link #toString()} never shows the password.
 *
 * @param host       the smarthost's name; null when there is no {@code [smarthost]} (direct MX delivery)
 * @param port       587 (STARTTLS) or 465 (implicit TLS) usually
 * @param implicitTls true for TLS from the first byte (port 465), false for STARTTLS
 * @param username   the AUTH user, or null for no AUTH
 * @param password   read from {@code password_file} at startup, or null
 */
public record SmarthostConfig(String host, int port, boolean implicitTls, String username, String password) {

    public static final SmarthostConfig NONE = new SmarthostConfig(null, 0, false, null, null);

    public boolean enabled() {
        return host != null;
    }

    @Override
    public String toString() {
        return enabled() ? "smarthost " + host + ":" + port + (implicitTls ? " (implicit TLS)" : " (STARTTLS)")
                + (username != null ? " as " + username : "") : "no smarthost";
    }

    public static SmarthostConfig read(ConfigReader reader) {
        boolean present = reader.hasSection("smarthost");
        ConfigReader.Section section = reader.section("smarthost"); // known, even when absent
        if (!present) {
            section.finish();
            return NONE;
        }
        String host = section.string("host", "");
        String tls = section.choice("tls", "starttls", List.of("starttls", "implicit"));
        int port = section.integer("port", tls.equals("implicit") ? 465 : 587, 1, 65_535);
        String username = section.string("username", "");
        String passwordFile = section.string("password_file", "");
        section.finish();
        if (host.isBlank()) {
            section.problem("host", "\"" + host + "\"", "must be the smarthost's name, such as \"smtp.example.com\"");
            return NONE;
        }
        if (!host.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            section.problem("host", "\"" + host + "\"", "must be a host name (certificates are checked against it)");
        }
        if (username.isEmpty() != passwordFile.isEmpty()) {
            section.problem(username.isEmpty() ? "username" : "password_file", "\"\"",
                    "username and password_file go together (AUTH needs both)");
            return NONE;
        }
        String password = null;
        if (!passwordFile.isEmpty()) {
            password = readSecret(section, Path.of(passwordFile));
        }
        return new SmarthostConfig(host, port, tls.equals("implicit"), username.isEmpty() ? null : username, password);
    }

    /** The first line of a secret file that only its owner may read; a problem otherwise. */
    private static String readSecret(ConfigReader.Section section, Path file) {
        String text = section.ownerOnlyFile("password_file", file, "must be readable by its owner only (chmod 600 " + file + ")");
        if (text == null) {
            return null;
        }
        String first = text.lines().findFirst().orElse("");
        if (first.isEmpty()) {
            section.problem("password_file", "\"" + file + "\"", "is empty; it must hold the password on its first line");
            return null;
        }
        return first;
    }
}
