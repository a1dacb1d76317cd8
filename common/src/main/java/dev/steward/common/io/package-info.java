/**
 * I/O helpers shared by every program.
 *
 * <p><b>Role.</b> Decide from an exception whether the disk or quota is full (ENOSPC, EDQUOT),
 * the one I/O failure whose remedy is "wait for space" rather than "fix a bug"
 * ({@link dev.steward.common.io.DiskFull}); keep the large buffers a server would otherwise
 * allocate per message in a bounded pool ({@link dev.steward.common.io.ByteArrayPool}).
 */
package dev.steward.common.io;
