/**
 * Test-only peers and helpers, used by other modules with {@code <scope>test</scope>} (STYLE.md
 * B4). Nothing here may be a runtime dependency of a program.
 *
 * <p><b>Role.</b> Stand-ins for the network a mail relay talks to, so that integration tests run
 * on loopback with no outside access: a DNS server ({@link dev.steward.testkit.FakeDnsServer})
 * and an in-memory resolver ({@link dev.steward.testkit.InMemoryResolver}), both answering from
 * one zone description ({@link dev.steward.testkit.DnsZone}). A recording SMTP server, a test
 * certificate authority and a manual clock belong here too as they are written.
 *
 * <p><b>Inputs/outputs.</b> A {@code DnsZone} (records plus scripted faults: SERVFAIL, NXDOMAIN,
 * dropped queries, truncation). Out: DNS answers on {@code 127.0.0.1:<port>} over UDP and TCP, or
 * {@code DnsAnswer} values in memory; counters and logs of the questions asked.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Strategy.</b> Real sockets on an ephemeral loopback port, one virtual thread per socket
 * or connection; answers built with dnsjava's message classes, so the production resolver parses
 * what a real server would send. Tests await events (counters, answers), never sleep.
 *
 * <p><b>Failure handling.</b> Garbage queries are ignored; a broken TCP connection ends only that
 * connection; {@code start()} twice or {@code port()} before {@code start()} throws
 * {@link IllegalStateException}; {@code stop()} joins its threads or says which one hung.
 *
 * <p><b>Config keys.</b> None read; tests put {@code FakeDnsServer.server()} into
 * {@code [dns] servers}.
 *
 * <p><b>Standards.</b> RFC 1035 (messages, 512-octet UDP limit), RFC 2308 (NXDOMAIN vs NODATA),
 * RFC 2606 ({@code .test}, {@code .invalid}), RFC 6891 (EDNS payload size), RFC 7766 (TCP framing
 * and fallback).
 *
 * <p><b>Security.</b> Binds only {@code 127.0.0.1}. {@code FakeDnsServer} refuses (REFUSED) every
 * name outside {@code .test} and {@code .invalid}, so a test that points the relay at it can never
 * resolve, or leak a question about, a real domain.
 */
package dev.steward.testkit;
