/**
 * Test-only peers and helpers, used by other modules with {@code <scope>test</scope>} (STYLE.md
 * B4). Nothing here may be a runtime dependency of a program.
 *
 * <p><b>Role.</b> Real peers on loopback for tier-2 tests: {@link dev.steward.testkit.RecordingSmtpServer}
 * is the receiving MX or smarthost for the SMTP client and, later, the relay's delivery agent;
 * {@link dev.steward.testkit.TestCa} makes the certificates it (and, in the interop tier, Postfix)
 * presents. To come: a fake DNS server, a manual clock.
 *
 * <p><b>Inputs/outputs.</b> {@code RecordingSmtpServer} takes a builder of advertised extensions,
 * TLS variants, AUTH and scripted misbehaviour, and yields {@link dev.steward.testkit.ReceivedMessage}s
 * (envelope and exact unstuffed DATA bytes) and {@link dev.steward.testkit.RecordedConnection}s
 * (transcript, commands grouped by read). {@code TestCa} yields {@code SSLContext}s, a trust store
 * and PEM files.
 *
 * <p><b>Files/queues touched.</b> {@code TestCa} writes key stores, a CSR and PEM files into the
 * directory it is given (or a temporary one for {@link dev.steward.testkit.TestCa#shared()}).
 *
 * <p><b>Strategy.</b> The server reuses the production {@code SmtpInput} and {@code CommandParser}
 * from smtp-wire, one virtual thread per connection, and events (a condition variable) instead of
 * sleeps for every wait a test needs. {@code TestCa} runs the JDK's {@code keytool}, because the
 * JDK has no public certificate builder and we add no dependency for it.
 *
 * <p><b>Failure handling.</b> Waits that do not happen in time throw {@code AssertionError} with
 * the state seen. A connection's I/O error ends that connection only and is noted in its
 * transcript.
 *
 * <p><b>Config keys.</b> None.
 *
 * <p><b>Standards.</b> RFC 5321, RFC 2920 (the server flushes only when no input is buffered),
 * RFC 3207, RFC 4954, RFC 4616, RFC 8314.
 *
 * <p><b>Security.</b> Binds to {@code 127.0.0.1} only. The test credential and test keys are not
 * secrets; the key PEM is still written with mode 600.
 */
package dev.steward.testkit;
