/**
 * OS updates through apt (MAINT-1): {@link dev.steward.agent.os.AptOsUpdateExecutor} runs the
 * weekly update non-interactively inside the maintenance window, lists what changed
 * ({@link dev.steward.agent.os.PackageInventory}), decides about a reboot
 * ({@link dev.steward.agent.os.RebootDecision} from {@code /var/run/reboot-required} and
 * {@link dev.steward.agent.os.NeedrestartReport}) and completes the job after the reboot
 * ({@link dev.steward.agent.os.PendingReboot}). Policy (the parsers, the reboot decision) is pure and
 * separate from the mechanism ({@link dev.steward.agent.os.CommandRunner}: processes, deadlines,
 * process groups).
 */
package dev.steward.agent.os;
