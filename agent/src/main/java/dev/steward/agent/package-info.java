/**
 * The agent on an application server (issue 8): the executors of the jobs the control plane hands
 * out. {@code os}: OS updates through apt and dpkg; {@code app}: application updates through a
 * per-application recipe (backup, update, health check, rollback); {@code bench}: the benchmarks
 * (fio, sysbench, a network download) with the provider's profiles. No control-plane code here: the
 * agent talks to the control plane only over the job API.
 */
package dev.steward.agent;
