package dev.steward.relay.queue;

/**
 * What {@link QueueStore#open} found and repaired at startup.
 *
 * @param recovered messages moved back from {@code active/} to {@code incoming/} (they were being
 *     delivered when the process stopped), plus {@code .msg} files re-joined with an {@code .env}
 *     that had already moved to another state directory
 * @param removedPartial interrupted writes removed: files in {@code tmp/}, {@code *.new} state
 *     updates, and {@code .msg} files whose {@code .env} was never committed
 * @param movedCorrupt messages moved to {@code corrupt/}, each logged once at WARN
 * @param replayed messages written again from the intake journal because their files did not
 *     reach the disk intact before the process stopped (they had been acknowledged)
 */
public record RecoveryReport(int recovered, int removedPartial, int movedCorrupt, int replayed) {
}
