package dev.steward.agent.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * The parameters of a benchmark job (SPEC-2), as the job API's {@code parameters} object (snake_case):
 * <pre>{"job_id": "…", "profile": "full", "target_dir": "/var/tmp", "network_url": "https://…/bench/download", "threads": 0}</pre>
 *
 * @param jobId the job, copied into the result
 * @param profile {@code full} (the seed's profile; the default) or {@code quick}
 * @param targetDir the directory on the disk to measure; fio works in a temporary directory created
 *     in it and removed afterwards. Must not be a tmpfs (that measures memory, and the mixed test's
 *     {@code --direct=1} fails there); null means {@code /var/tmp}
 * @param networkUrl the HTTP(S) endpoint the network test downloads from (the control plane's), or
 *     null to skip the network test
 * @param threads sysbench's {@code --threads}; 0 means the number of vCPUs (SPEC-2)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BenchmarkJob(String jobId, BenchmarkProfile profile, String targetDir, String networkUrl, int threads) {

    /** Where fio works when the job names no directory: on disk, unlike {@code /tmp} on some systems. */
    public static final String DEFAULT_TARGET_DIR = "/var/tmp";

    public BenchmarkJob {
        Objects.requireNonNull(jobId, "jobId");
        profile = profile == null ? BenchmarkProfile.FULL : profile;
        targetDir = targetDir == null || targetDir.isBlank() ? DEFAULT_TARGET_DIR : targetDir;
        networkUrl = networkUrl == null || networkUrl.isBlank() ? null : networkUrl;
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (the vCPUs) or positive: " + threads);
        }
    }

    /** The threads sysbench uses: {@link #threads()}, or the vCPUs this JVM sees when 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
