package dev.steward.mail.dns;

import java.net.InetAddress;

/**
 * Asks DNS one question at a time and reports the answer as a value: records, no such domain, no
 * data, or a temporary failure with a readable reason. Nothing here throws for a DNS outcome; an
 * {@link IllegalArgumentException} means the caller passed a malformed name.
 *
 * <p>Names are ASCII: A-labels ({@code xn--bcher-kva.example}), letters, digits, hyphens and
 * underscores ({@code _dmarc.example.org}, {@code nexx._domainkey.app.example.org}), with or
 * without the trailing root dot. Converting an internationalised name is the caller's job
 * ({@link dev.steward.mail.model.DomainName#parse}). Names are absolute: no search list is applied.
 *
 * <p>CNAMEs are followed: an answer for {@code www.example.org} that is a CNAME to
 * {@code web.example.org} reports the records of {@code web.example.org} (a bounded chain).
 *
 * <p>Thread safety: implementations are thread-safe; one instance serves every delivery thread.
 */
public interface Resolver {

    /**
     * The MX records of {@code name}, in the order DNS gave them (sorting by preference is
     * {@link MxLookup}'s job). An RFC 7505 null MX comes back as a record whose exchange is
     * {@code "."}.
     */
    DnsAnswer<MxRecord> mx(String name);

    /** The IPv4 addresses of {@code name} (A records), each an {@link java.net.Inet4Address}. */
    DnsAnswer<InetAddress> ipv4(String name);

    /** The IPv6 addresses of {@code name} (AAAA records), each an {@link java.net.Inet6Address}. */
    DnsAnswer<InetAddress> ipv6(String name);

    /**
     * The TXT records of {@code name}, one list element per record. The character-strings of one
     * record are concatenated without separators (RFC 7208 §3.3, RFC 6376 §3.6.2.2), and the bytes
     * are decoded as UTF-8 (a malformed sequence becomes U+FFFD, which no SPF, DKIM or DMARC grammar
     * accepts).
     */
    DnsAnswer<String> txt(String name);

    /**
     * The host names that {@code address} maps back to (PTR records at its {@code in-addr.arpa} or
     * {@code ip6.arpa} name, RFC 1035 §3.5, RFC 3596 §2.5), without the trailing dot, in the order
     * DNS gave them. Used by SPF's {@code ptr} mechanism and {@code %{p}} macro and by the reverse
     * DNS check.
     */
    DnsAnswer<String> ptr(InetAddress address);

    /**
     * The CNAME target of {@code name} itself (one link, not followed; no trailing dot):
     * {@link DnsAnswer.Records} with one element when {@code name} is an alias, {@link DnsAnswer.NoData}
     * when it exists but is not. For showing a customer the chain from an app host to a server name;
     * the other methods follow chains on their own.
     */
    DnsAnswer<String> cname(String name);
}
