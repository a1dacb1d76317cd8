/**
 * Test-only peers and helpers, used by other modules with {@code <scope>test</scope>} (STYLE.md
 * B4). Nothing here may be a runtime dependency of a program.
 *
 * <p><b>Role.</b> Stand-ins for the network a mail relay talks to, so that integration tests run
 * on loopback with no outside access: a DNS server ({@link dev.steward.testkit.FakeDnsServer})
 * and an in-memory resolver ({@link dev.steward.testkit.InMemoryResolver}), both answering from
 * one zone description ({@link dev.steward.testkit.DnsZone});
 * {@link dev.steward.testkit.RecordingSmtpServer}, the receiving MX or smarthost for the SMTP
 * client and the relay's delivery agent; {@link dev.steward.testkit.TestCa}, which makes the
 * certificates it (and, in the interop tier, Postfix) presents.
 *
 * <p><b>Inputs/outputs.</b> A {@code DnsZone} (records plus scripted faults: SERVFAIL, NXDOMAIN,
 * dropped queries, truncation) → DNS answers on {@code 127.0.0.1:<port>} over UDP and TCP, or
 * {@code DnsAnswer} values in memory, with counters of the questions asked.
 * {@code RecordingSmtpServer} takes a builder of advertised extensions, TLS variants, AUTH and
 * scripted misbehaviour, and yields {@link dev.steward.testkit.ReceivedMessage}s (envelope and
 * exact unstuffed DATA bytes) and {@link dev.steward.testkit.RecordedConnection}s (transcript,
 * commands grouped by read). {@code TestCa} yields {@code SSLContext}s, a trust store and PEM
 * files.
 *
 * <p><b>Files/queues touched.</b> {@code TestCa} writes key stores, a CSR and PEM files into the
 * directory it is given (or a temporary one for {@link dev.steward.testkit.TestCa#shared()}).
 *
 * <p><b>Strategy.</b> Real sockets on ephemeral loopback ports, one virtual thread per socket or
 * connection. DNS answers are built with dnsjava's message classes, so the production resolver
 * parses what a real server would send; the SMTP server reuses the production
 * {@code SmtpInput} and {@code CommandParser}. Tests await events (counters, condition
 * variables), never sleep. {@code TestCa} runs the JDK's {@code keytool}, because the JDK has no
 * public certificate builder and we add no dependency for it.
 *
 * <p><b>Failure handling.</b> Garbage queries are ignored; a broken connection ends only that
 * connection (noted in its transcript); waits that do not happen in time throw
 * {@code AssertionError} with the state seen; {@code stop()} joins its threads or says which one
 * hung.
 *
 * <p><b>Config keys.</b> None read; tests put {@code FakeDnsServer.server()} into
 * {@code [dns] servers}.
 *
 * <p><b>Standards.</b> RFC 1035, RFC 2308, RFC 2606 ({@code .test}, {@code .invalid}), RFC 6891,
 * RFC 7766; RFC 5321, RFC 2920, RFC 3207, RFC 4954, RFC 4616, RFC 8314.
 *
 * <p><b>Security.</b> Binds only {@code 127.0.0.1}. {@code FakeDnsServer} refuses (REFUSED) every
 * name outside {@code .test} and {@code .invalid}, so a test can never resolve, or leak a question
 * about, a real domain. The test credential and test keys are not secrets; the key PEM is still
 * written with mode 600.
 */
package dev.steward.testkit;
