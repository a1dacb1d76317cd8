package dev.steward.control.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.control.core.Actor;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.bench.BenchmarkAggregation;
import dev.steward.control.core.bench.BenchmarkFigure;
import dev.steward.control.core.bench.BenchmarkRun;
import dev.steward.control.core.bench.PackageBenchmarks;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Benchmark figures (the {@code benchmark_figure} table, SPEC-2): recorded from the result of a
 * succeeded {@code BENCHMARK} job, read back per server, and aggregated per application and
 * package for the specifications page ({@link BenchmarkAggregation}).
 *
 * <p><b>Recording.</b> {@link #LISTENER} runs in the transaction that accepts the job's result
 * (the job API's {@link JobOutcomeListener}): it reads {@code details.profile} and
 * {@code details.figures} ({@link ReportedFigures}), stores the valid figures with the server's
 * package at that moment, and audits what it did ({@code benchmark.figures_recorded}, with the
 * reasons for any refused figure). Garbage never fails the report: the job's result is kept as
 * the agent sent it, only the refused figures are left out. Failed, rolled-back or expired
 * benchmark jobs record nothing (a failed run is missing tests; its figures stay in the job's
 * result).
 *
 * <p>Thread safety: thread-safe; every public method without a handle is its own transaction.
 */
public final class BenchmarkRepository {

    /** Records the figures of every succeeded BENCHMARK job; ignores every other job. */
    public static final JobOutcomeListener LISTENER = BenchmarkRepository::record;

    private static final Actor RECORDER = Actor.system("benchmark-figures");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASONS_CHARS = 2000;

    private final Database database;

    /** @param database where the figures live */
    public BenchmarkRepository(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * Stores the figures of {@code job} if it is a succeeded benchmark (see the class comment).
     *
     * @return what was accepted and refused; null if the job is not a succeeded benchmark
     */
    public static ReportedFigures record(Handle handle, Job job) {
        if (job.kind() != JobKind.BENCHMARK || job.state() != JobState.SUCCEEDED) {
            return null;
        }
        ReportedFigures figures = ReportedFigures.of(details(job.result()));
        Instant at = Objects.requireNonNull(job.finishedAt(), "a finished job has finished_at");
        if (!figures.accepted().isEmpty()) {
            Map<String, Object> server = handle.createQuery("select application_id, tier from server where id = :id")
                    .bind("id", job.serverId()).mapToMap().one();
            long applicationId = ((Number) server.get("application_id")).longValue();
            String tier = (String) server.get("tier");
            var batch = handle.prepareBatch("""
                    insert into benchmark_figure (job_id, server_id, application_id, tier, profile, measured_at,
                                                  figure_name, test_name, unit, figure_value, higher_is_better)
                    values (:job, :server, :application, :tier, :profile, :at, :name, :test, :unit, :value, :higher)
                    """);
            for (BenchmarkFigure figure : figures.accepted()) {
                batch.bind("job", job.id()).bind("server", job.serverId()).bind("application", applicationId)
                        .bind("tier", tier).bind("profile", figures.profile().name()).bind("at", at)
                        .bind("name", figure.name()).bind("test", figure.test()).bind("unit", figure.unit())
                        .bind("value", figure.value()).bind("higher", figure.higherIsBetter()).add();
            }
            batch.execute();
        }
        String reasons = String.join("; ", figures.refused());
        if (reasons.length() > MAX_REASONS_CHARS) {
            reasons = reasons.substring(0, MAX_REASONS_CHARS) + "…";
        }
        AuditLogRepository.append(handle, at, RECORDER,
                figures.refused().isEmpty() ? "benchmark.figures_recorded" : "benchmark.figures_refused", "job",
                job.id(), "profile", figures.profile() == null ? null : figures.profile().code(),
                "accepted", figures.accepted().size(), "refused", figures.refused().size(),
                "reasons", reasons.isEmpty() ? null : reasons);
        return figures;
    }

    private static JsonNode details(String result) {
        if (result == null) {
            return null;
        }
        try {
            return JSON.readTree(result).get("details");
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * Queues a BENCHMARK job for the server's agent, due now, and audits it
     * ({@code benchmark.requested}).
     *
     * @param payload the job's parameters for the agent ({@code profile}, {@code network_url})
     * @param expected how long the run is expected to take
     * @return the job's id
     * @throws UnknownEntityException if there is no such server
     */
    public String request(Actor operator, long serverId, BenchProfile profile, String payload,
                          java.time.Duration expected) {
        return database.jdbi().inTransaction(handle -> {
            boolean exists = handle.createQuery("select count(*) from server where id = :id").bind("id", serverId)
                    .mapTo(Integer.class).one() > 0;
            if (!exists) {
                throw new UnknownEntityException("server", serverId);
            }
            Instant now = Sql.now(database);
            String id = JobRepository.enqueue(handle, now, new dev.steward.control.core.job.JobSpec(serverId,
                    JobKind.BENCHMARK, null, null, payload, now, null, expected));
            AuditLogRepository.append(handle, now, operator, "benchmark.requested", "job", id, "server_id", serverId,
                    "profile", profile.code());
            return id;
        });
    }

    /**
     * The server's runs, newest first (both profiles), at most {@code limit}.
     */
    public List<BenchmarkRun> forServer(long serverId, int limit) {
        return database.jdbi().withHandle(handle -> {
            List<String> jobs = handle.createQuery("""
                            select job_id, max(measured_at) as at from benchmark_figure where server_id = :server
                            group by job_id order by at desc, job_id desc limit :limit
                            """)
                    .bind("server", serverId).bind("limit", limit).map((rs, ctx) -> rs.getString("job_id")).list();
            if (jobs.isEmpty()) {
                return List.of();
            }
            List<BenchmarkRun> runs = runs(handle.createQuery("""
                            select * from benchmark_figure where job_id in (<jobs>) order by job_id
                            """)
                    .bindList("jobs", jobs).map(ROW).list());
            return runs.stream().sorted(Comparator.comparing(BenchmarkRun::measuredAt).reversed()
                    .thenComparing(BenchmarkRun::jobId, Comparator.reverseOrder())).toList();
        });
    }

    /** Every server's newest full-profile run (with ties: all of the newest; the aggregation picks one). */
    public List<BenchmarkRun> latestFullRuns() {
        return database.jdbi().withHandle(handle -> runs(handle.createQuery("""
                        select f.* from benchmark_figure f
                        join (select server_id, max(measured_at) as latest from benchmark_figure
                              where profile = 'FULL' group by server_id) l
                          on l.server_id = f.server_id and l.latest = f.measured_at
                        where f.profile = 'FULL'
                        order by f.server_id, f.job_id
                        """).map(ROW).list()));
    }

    /** The published aggregates: per application and tier, over each server's latest full run. */
    public List<PackageBenchmarks> summary() {
        return BenchmarkAggregation.aggregate(latestFullRuns());
    }

    /** One row of the table. */
    private record Row(String jobId, long serverId, long applicationId, Tier tier, BenchProfile profile,
                       Instant measuredAt, BenchmarkFigure figure) {
    }

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getString("job_id"), rs.getLong("server_id"),
            rs.getLong("application_id"), Tier.valueOf(rs.getString("tier")), BenchProfile.valueOf(rs.getString("profile")),
            Sql.instant(rs, "measured_at"), new BenchmarkFigure(rs.getString("figure_name"), rs.getString("test_name"),
                    rs.getString("unit"), rs.getDouble("figure_value"), rs.getBoolean("higher_is_better")));

    /** Rows (figures) grouped into runs, figures in {@code FigureKind} order. */
    private static List<BenchmarkRun> runs(List<Row> rows) {
        Map<String, List<Row>> byJob = new LinkedHashMap<>();
        for (Row row : rows) {
            byJob.computeIfAbsent(row.jobId(), k -> new ArrayList<>()).add(row);
        }
        List<BenchmarkRun> runs = new ArrayList<>();
        byJob.forEach((job, figureRows) -> {
            Row first = figureRows.getFirst();
            List<BenchmarkFigure> figures = figureRows.stream().map(Row::figure)
                    .sorted(Comparator.comparing(BenchmarkFigure::kind)).toList();
            runs.add(new BenchmarkRun(job, first.serverId(), first.applicationId(), first.tier(), first.profile(),
                    first.measuredAt(), figures));
        });
        return runs;
    }
}
