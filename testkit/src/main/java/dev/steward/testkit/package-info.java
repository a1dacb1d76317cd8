/**
 * Test-only peers and helpers, used by other modules with {@code <scope>test</scope>}: a fake DNS
 * server on loopback, a recording SMTP server, a test certificate authority and a manual clock
 * (STYLE.md B4). Nothing here may be a runtime dependency of a program.
 */
package dev.steward.testkit;
