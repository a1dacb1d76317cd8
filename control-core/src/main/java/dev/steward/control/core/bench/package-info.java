/**
 * Benchmark figures (SPEC-2): the figures an agent's {@code BENCHMARK} job reports (the agent's
 * {@code BenchmarkDetails.figures}), their validation against the known names and units
 * ({@link FigureKind}; the JSON is read by {@code control-store}), and the published aggregates per application and package
 * ({@link BenchmarkAggregation}: each server's latest full-profile run; quick runs never count).
 * Pure values and decisions; storage is {@code control-store}'s {@code BenchmarkRepository}.
 */
package dev.steward.control.core.bench;
