/**
 * Text formats shared by all programs: the fixed-order {@code key=value} log line.
 *
 * <p><b>Security.</b> Values may come from untrusted clients (HELO names, addresses): the
 * formatter escapes control characters so that no input can forge or split a log line.
 */
package dev.steward.common.text;
