/**
 * DNS for mail delivery: a {@link dev.steward.mail.dns.Resolver} interface whose answers are values
 * ({@link dev.steward.mail.dns.DnsAnswer}), a dnsjava-backed implementation that asks the servers
 * from {@code [dns] servers} ({@link dev.steward.mail.dns.DnsjavaResolver}), and the MX lookup of
 * RFC 5321 §5.1 with RFC 7505 null MX ({@link dev.steward.mail.dns.MxLookup}).
 *
 * <p><b>Role.</b> Mechanism only: it reports what DNS said (records, no such domain, no data,
 * temporary failure with a reason) and which hosts and addresses a domain's mail goes to. Whether
 * an outcome defers or bounces a message is decided in {@code relay.policy}; nothing here retries
 * later, logs, or caches (the recursive resolver the servers point at caches).
 *
 * <p><b>Inputs/outputs.</b> In: ASCII (A-label) names; the caller converts IDNs
 * ({@link dev.steward.mail.model.DomainName}). Out: {@code DnsAnswer<MxRecord>},
 * {@code DnsAnswer<InetAddress>} (A and AAAA), {@code DnsAnswer<String>} (TXT, one string per
 * record), and {@link dev.steward.mail.dns.MxRoute}: {@code Hosts} (in the order to try, each
 * host's addresses ordered by {@link dev.steward.mail.dns.AddressPreference}), {@code NullMx},
 * {@code NoSuchDomain}, {@code NoAddresses}, {@code TempFail}.
 *
 * <p><b>Files/queues touched.</b> None; {@code /etc/resolv.conf} is read once per
 * {@code DnsjavaResolver} when {@code [dns] servers} is empty.
 *
 * <p><b>Strategy.</b> {@code DnsjavaResolver} asks each configured server in turn, for
 * {@code attempts} rounds, each try bounded by {@code timeout} ({@code resolv.conf} semantics), over
 * UDP with TCP when the answer is truncated; NOERROR and NXDOMAIN end the search, anything else
 * moves to the next server. CNAME chains are followed. {@code MxLookup} asks MX, falls back to the
 * implicit MX (the domain itself) on NODATA, sorts by preference with equal preferences shuffled by
 * an injected random generator, then asks AAAA and A for each host.
 *
 * <p><b>Failure handling.</b> Every DNS outcome is a value: SERVFAIL, REFUSED, other RCODEs,
 * timeouts and I/O errors become {@code TempFail} with a one-line reason naming each server and
 * what it did (no stack traces). NXDOMAIN and NODATA are kept apart (RFC 2308). Malformed record
 * data is dropped; when nothing valid is left the answer is {@code TempFail}, since "unknown means
 * temporary" (STYLE B5.3). A host without any address is skipped with the reason kept; if no host
 * has one, the route is {@code TempFail} when some lookup failed temporarily, else
 * {@code NoAddresses}. Only a malformed question name throws ({@link IllegalArgumentException}).
 *
 * <p><b>Mail loops.</b> RFC 5321 §5.1 asks a client that is itself one of the MX hosts to drop
 * that host and every less preferred one. {@code MxLookup} does not know the delivery port, so the
 * caller applies {@link dev.steward.mail.dns.MxRoute.Hosts#truncateAtSelf} with
 * {@link dev.steward.mail.dns.LocalAddresses#atPort(int)}, built from {@code [intake] listen}.
 *
 * <p><b>Config keys.</b> {@code [dns] servers} (list of {@code host[:port]}, numeric; empty = the
 * system's) becomes {@link dev.steward.mail.dns.DnsConfig#servers()}. Timeout and attempts are
 * {@code DnsConfig} fields with {@code resolv.conf} defaults (5 s, 2) and bounds declared there;
 * whether they become {@code [dns]} keys is the relay's choice. The address preference and the
 * IPv6 switch are {@code MxLookup} constructor arguments, also set by the relay. This package reads
 * no configuration file itself.
 *
 * <p><b>Standards.</b> RFC 1035 (messages, MX), RFC 2181 §10.1 (CNAME), RFC 2308 (NXDOMAIN vs
 * NODATA), RFC 3596 (AAAA), RFC 5321 §5.1 (MX ordering, implicit MX, loops), RFC 5452 §9 (response
 * matching, fresh IDs), RFC 6604 (RCODE after CNAME), RFC 7208 §3.3 (TXT strings), RFC 7505 (null
 * MX), RFC 7766 (TCP), RFC 8305 §4 (address family interleaving).
 *
 * <p><b>Security.</b> Answers are untrusted network input. Responses must match the question's ID,
 * name, type and class; only records owned by the question's name or its CNAME chain are read;
 * chains are bounded and loops detected; MX exchanges must be host names (no IP literals, no
 * underscores or spaces); IPv4-mapped AAAA, wildcard and multicast addresses are refused; at most
 * {@value dev.steward.mail.dns.MxLookup#MAX_HOSTS} MX hosts are resolved per domain. Tests point
 * {@code [dns] servers} at {@code testkit.FakeDnsServer}, which refuses names outside {@code .test}
 * and {@code .invalid}, so a test can never reach real DNS.
 */
package dev.steward.mail.dns;
