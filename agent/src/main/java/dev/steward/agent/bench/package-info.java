/**
 * The benchmark executor (SPEC-2): the provider's fio and sysbench profiles from the seed
 * documentation ({@link dev.steward.agent.bench.BenchmarkProfile}), a network download, and their
 * output parsed into {@link dev.steward.agent.bench.Figure}s that the control plane can aggregate
 * per application and package. Entry points: {@link dev.steward.agent.bench.BenchmarkExecutor#run}
 * for the agent daemon, {@link dev.steward.agent.bench.BenchCommand} for {@code steward bench}.
 */
package dev.steward.agent.bench;
