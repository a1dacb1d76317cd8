/**
 * Tier 3 interop tests: the relay, run as a real child process, against real Debian peers; and
 * the DNS code against a real authoritative server.
 *
 * <p><b>Role.</b> Black-box checks that third-party SMTP clients (swaks, Python {@code smtplib},
 * Postfix relaying through {@code relayhost}) interoperate with Steward's intake: replies, enhanced
 * status codes, pipelining, SMTPUTF8, dot-stuffing and the bytes that land in the queue. That
 * {@code mail-dns} ({@code DnsjavaResolver}, {@code MxLookup}) reads a real authoritative server,
 * NSD, the way it reads testkit's fake one ({@link dev.steward.interop.AuthoritativeDnsInteropIT}).
 * And that the relay's delivery works against a real receiving MTA: Postfix as the MX found
 * through NSD ({@link dev.steward.interop.PostfixMxInteropIT}: STARTTLS, plaintext, a 550 bounce
 * read by Python's {@code email} package, a 450 then {@code queue flush}, an IPv6-only MX) and as
 * an authenticated smarthost ({@link dev.steward.interop.SmarthostInteropIT}: ports 587 and 465,
 * AUTH, certificate verification, the password file check).
 *
 * <p><b>Inputs/outputs.</b> Each test writes a {@code relay.toml} into its own work directory under
 * {@code interop-tests/target/interop-work/}, starts {@code StewardCli relay --config} with the test
 * class path ({@link dev.steward.interop.RelayProcess}), waits for the {@code relay_started} log
 * line, drives a peer, and stops the relay. The relay's output is kept in {@code relay.log} there.
 * The delivery tests turn {@code [delivery]} on, point {@code [dns] servers} at the private NSD
 * (or at a closed loopback port), add {@code [testing] mx_port_override} with
 * {@code --allow-test-overrides}, and give the relay's JVM a trust store where a certificate must
 * verify; they read what Postfix delivered from its maildirs and what it did from its maillog.
 *
 * <p><b>Files/queues touched.</b> The relay's queue directory inside the work directory; for the
 * Postfix tests a private instance ({@code scripts/postfix-instance}) with its own config, queue,
 * data directory and {@code maillog} (receiving instances also maildirs, and the smarthost a
 * Cyrus SASL config and sasldb); for the DNS tests a private NSD ({@code scripts/dns-instance})
 * with its own config, pid file and log, serving zone files copied from the test resources; the
 * certificates of testkit's {@code TestCa} in the class's work directory. The system Postfix, NSD
 * and saslauthd are never started.
 *
 * <p><b>Strategy.</b> Waits are on events (a log line, a file appearing, a port answering), each
 * bounded; every test has a JUnit {@code @Timeout}. Peers that every test of a class can share
 * unchanged (NSD, the certificate authority, the smarthost Postfix) are started once per class;
 * the others per test. Every peer is stopped in {@code @AfterEach}/{@code @AfterAll} or
 * try-with-resources, also when the test fails.
 *
 * <p><b>Failure handling.</b> Assertion messages carry the peer transcript and the relay log.
 *
 * <p><b>Config keys.</b> {@code [server] hostname}, {@code [intake] listen, app_domains,
 * max_message_size, max_recipients}, {@code [queue] directory}, {@code [delivery] enabled,
 * connect_timeout, starttls_timeout}, {@code [smarthost] host, port, tls, username,
 * password_file}, {@code [dns] servers, timeout, attempts}, {@code [testing] mx_port_override};
 * {@code DnsConfig} servers.
 *
 * <p><b>Standards.</b> RFC 5321 (§4.5.2 dot-stuffing, §4.5.3.1.8 recipients buffer), RFC 2920
 * (pipelining), RFC 6531 (SMTPUTF8), RFC 3463 (enhanced status codes), RFC 1870 (SIZE); RFC 1035,
 * RFC 5321 §5.1, RFC 7505 and RFC 7766 for the DNS test; RFC 3207 (STARTTLS), RFC 8314 (implicit
 * TLS on 465), RFC 4954 and RFC 4616 (AUTH PLAIN), RFC 3461-3464 and RFC 6522 (bounces) for
 * delivery.
 *
 * <p><b>Security.</b> Every peer and listener is on 127.0.0.1 (NSD and the MX Postfix also on
 * ::1); nothing leaves the loopback, and the resolver under test asks only the private NSD. The
 * keys, certificates and passwords are made per run and are test-only. Runs as root only because
 * Postfix's {@code postfix start} requires it.
 */
package dev.steward.interop;
