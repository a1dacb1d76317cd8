/**
 * I/O error classification shared by every program.
 *
 * <p><b>Role.</b> Decide from an exception whether the disk or quota is full (ENOSPC, EDQUOT),
 * the one I/O failure whose remedy is "wait for space" rather than "fix a bug".
 */
package dev.steward.common.io;
