package dev.steward.dnscheck;

import dev.steward.mail.model.DomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to check: the app host, the server it runs on, and the server's DKIM key.
 *
 * <p>The server is given by name ({@code clnXXX-prd-app00X.<provider domain>}, whose A and AAAA
 * records give its addresses, as {@code ping -4}/{@code ping -6} would), by its two addresses, or
 * both (the addresses then win, and the name is still used to recognise a CNAME to it and as the
 * SPF HELO name). Without a name both addresses are required: every server has one IPv4 and one
 * IPv6 address (PKG-5) and sends over both.
 *
 * <p>Thread safety: immutable.
 *
 * @param appHost the app's host name, e.g. {@code unifi.jouwfirma.net}
 * @param serverName the server's DNS name, or null
 * @param ipv4 the server's IPv4 address, or null to resolve {@code serverName}
 * @param ipv6 the server's IPv6 address, or null to resolve {@code serverName}
 * @param selector the DKIM selector, {@value #DEFAULT_SELECTOR} by default (MAIL-4)
 * @param dkimPublicKey the server's DKIM public key, or null to check only that the published record
 *     is present and valid
 */
public record DnsCheckRequest(
        DomainName appHost,
        DomainName serverName,
        Inet4Address ipv4,
        Inet6Address ipv6,
        String selector,
        PublicKey dkimPublicKey) {

    /** The selector Steward signs with (MAIL-4). */
    public static final String DEFAULT_SELECTOR = "nexx";

    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*");

    public DnsCheckRequest {
        Objects.requireNonNull(appHost, "appHost");
        Objects.requireNonNull(selector, "selector");
        if (serverName == null && (ipv4 == null || ipv6 == null)) {
            throw new IllegalArgumentException("give the server's name, or both its IPv4 and IPv6 address");
        }
        if (!SELECTOR.matcher(selector).matches()) {
            throw new IllegalArgumentException("selector \"" + selector + "\" is not a DNS label sequence (RFC 6376 §3.1)");
        }
    }

    /** The server name, when one was given. */
    public Optional<DomainName> server() {
        return Optional.ofNullable(serverName);
    }
}
