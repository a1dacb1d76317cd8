/**
 * Tier 3 interop tests: the relay, run as a real child process, against real Debian peers; and
 * the DNS code against a real authoritative server.
 *
 * <p><b>Role.</b> Black-box checks that third-party SMTP clients (swaks, Python {@code smtplib},
 * Postfix relaying through {@code relayhost}) interoperate with Steward's intake: replies, enhanced
 * status codes, pipelining, SMTPUTF8, dot-stuffing and the bytes that land in the queue. And that
 * {@code mail-dns} ({@code DnsjavaResolver}, {@code MxLookup}) reads a real authoritative server,
 * NSD, the way it reads testkit's fake one ({@link dev.steward.interop.AuthoritativeDnsInteropIT}).
 *
 * <p><b>Inputs/outputs.</b> Each test writes a {@code relay.toml} into its own work directory under
 * {@code interop-tests/target/interop-work/}, starts {@code StewardCli relay --config} with the test
 * class path ({@link dev.steward.interop.RelayProcess}), waits for the {@code relay_started} log
 * line, drives a peer, and stops the relay. The relay's output is kept in {@code relay.log} there.
 *
 * <p><b>Files/queues touched.</b> The relay's queue directory inside the work directory; for the
 * Postfix tests a private instance ({@code scripts/postfix-instance}) with its own config, queue,
 * data directory and {@code maillog}; for the DNS test a private NSD ({@code scripts/dns-instance})
 * with its own config, pid file and log, serving zone files copied from the test resources. The
 * system Postfix and NSD instances are never started.
 *
 * <p><b>Strategy.</b> Waits are on events (a log line, a file appearing, a port answering), each
 * bounded; every test has a JUnit {@code @Timeout}.
 *
 * <p><b>Failure handling.</b> Assertion messages carry the peer transcript and the relay log.
 *
 * <p><b>Config keys.</b> {@code [server] hostname}, {@code [intake] listen, app_domains,
 * max_message_size, max_recipients}, {@code [queue] directory}; {@code DnsConfig} servers.
 *
 * <p><b>Standards.</b> RFC 5321 (§4.5.2 dot-stuffing, §4.5.3.1.8 recipients buffer), RFC 2920
 * (pipelining), RFC 6531 (SMTPUTF8), RFC 3463 (enhanced status codes), RFC 1870 (SIZE); RFC 1035,
 * RFC 5321 §5.1, RFC 7505 and RFC 7766 for the DNS test.
 *
 * <p><b>Security.</b> Every peer and listener is on 127.0.0.1 (NSD also on ::1); nothing leaves the
 * loopback, and the resolver under test asks only the private NSD. Runs as
 * root only because Postfix's {@code postfix start} requires it.
 */
package dev.steward.interop;
