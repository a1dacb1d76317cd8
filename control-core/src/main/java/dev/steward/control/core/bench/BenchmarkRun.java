package dev.steward.control.core.bench;

import dev.steward.control.core.catalogue.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One accepted benchmark run of one server: the job, the package the server had when it ran
 * (its application and tier), the profile, when it was measured and its figures.
 *
 * <p>Thread safety: immutable.
 *
 * @param jobId the BENCHMARK job that reported it
 * @param measuredAt when the control plane accepted the result
 */
public record BenchmarkRun(String jobId, long serverId, long applicationId, Tier tier, BenchProfile profile,
                           Instant measuredAt, List<BenchmarkFigure> figures) {

    public BenchmarkRun {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(measuredAt, "measuredAt");
        figures = List.copyOf(figures);
    }
}
