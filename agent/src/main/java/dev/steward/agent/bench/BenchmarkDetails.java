package dev.steward.agent.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code details} object of a benchmark job result; field names are snake_case (documented
 * in the README, "Benchmarks"). The control plane aggregates {@link #figures()}: each is
 * {@code {name, test, unit, value, higher_is_better}} with a name that always has the same unit.
 *
 * <p>Thread safety: immutable.
 *
 * @param jobId the job
 * @param profile {@code full} or {@code quick}: only figures of the same profile compare
 * @param startedAt ISO-8601 UTC
 * @param finishedAt ISO-8601 UTC
 * @param durationSeconds from start to finish
 * @param threads sysbench's threads (the vCPUs unless the job said otherwise)
 * @param vcpus the processors the agent's JVM sees
 * @param targetDir the directory fio measured (in a temporary directory inside it)
 * @param networkUrl the network test's URL, or null when it was skipped
 * @param tools the tools' versions as they report them: {@code fio} ({@code fio-3.33}),
 *     {@code sysbench} ({@code sysbench 1.0.20}); a missing tool is absent
 * @param tests each test, in the order run
 * @param figures every figure of the tests that succeeded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BenchmarkDetails(String jobId, BenchmarkProfile profile, String startedAt, String finishedAt,
        double durationSeconds, int threads, int vcpus, String targetDir, String networkUrl, Map<String, String> tools,
        List<TestRun> tests, List<Figure> figures) {

    public BenchmarkDetails {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(profile, "profile");
        tools = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tools));
        tests = List.copyOf(tests);
        figures = List.copyOf(figures);
    }
}
