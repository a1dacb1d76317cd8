package dev.steward.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.bench.BenchmarkRun;
import dev.steward.control.core.bench.FigureKind;
import dev.steward.control.core.bench.PackageBenchmarks;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class BenchmarkRepositoryIT {

    private static final String IOPS = "{\"name\":\"disk_randwrite_iops\",\"test\":\"disk_randwrite\",\"unit\":\"IOPS\","
            + "\"value\":%s,\"higher_is_better\":true}";
    private static final String CPU = "{\"name\":\"cpu_events_per_second\",\"test\":\"cpu\",\"unit\":\"events/s\","
            + "\"value\":%s,\"higher_is_better\":true}";

    /** A job API with the benchmark listener on a clock the test moves. */
    private record World(Database database, MovableClock clock, AgentJobRepository jobs, BenchmarkRepository benchmarks) {

        /** Queues a job of {@code kind}, delivers it and reports {@code outcome} with {@code details}. */
        Job run(Server server, JobKind kind, JobState outcome, String details) {
            Instant now = clock.instant();
            String id = database.jdbi().inTransaction(handle -> JobRepository.enqueue(handle, now,
                    new JobSpec(server.id(), kind, null, null, "{}", now, null, Duration.ofMinutes(5))));
            Actor agent = Actor.agent(server.name().toString());
            assertThat(jobs.deliverNext(agent, server.id()).orElseThrow().id()).isEqualTo(id);
            Job finished = jobs.finish(agent, server.id(), id, outcome, result(outcome, details)).job();
            clock.advance(Duration.ofMinutes(1));
            return finished;
        }

        Job full(Server server, double iops, double cpu) {
            return run(server, JobKind.BENCHMARK, JobState.SUCCEEDED, details("full", iops, cpu));
        }

        List<Map<String, Object>> audit(String jobId) {
            return database.jdbi().withHandle(h -> h.createQuery(
                    "select action, details from audit_log where entity_type = 'job' and entity_id = :id order by id")
                    .bind("id", jobId).mapToMap().list());
        }
    }

    static String details(String profile, double iops, double cpu) {
        return "{\"profile\":\"" + profile + "\",\"figures\":[" + IOPS.formatted(iops) + "," + CPU.formatted(cpu) + "]}";
    }

    static String result(JobState outcome, String details) {
        return "{\"details\":" + details + ",\"duration_seconds\":1,\"health\":null,\"status\":\""
                + outcome.name().toLowerCase(java.util.Locale.ROOT) + "\"}";
    }

    private static World world(Database database) {
        MovableClock clock = new MovableClock();
        return new World(database, clock, new AgentJobRepository(database, BenchmarkRepository.LISTENER, clock,
                Duration.ofMinutes(5)), new BenchmarkRepository(database));
    }

    @TestTemplate
    void succeededBenchmark_storesItsValidFigures_refusesGarbageOneByOne_keepsTheResult(Database database) {
        World w = world(database);
        Server server = new Fixtures(database).server();
        String details = "{\"profile\":\"quick\",\"figures\":[" + IOPS.formatted("95812.87")
                + ",{\"name\":\"disk_randwrite_iopz\",\"test\":\"disk_randwrite\",\"unit\":\"IOPS\",\"value\":1,\"higher_is_better\":true}"
                + ",{\"name\":\"cpu_events_per_second\",\"test\":\"cpu\",\"unit\":\"events/s\",\"value\":\"fast\",\"higher_is_better\":true}"
                + ",{\"name\":\"cpu_latency_avg\",\"test\":\"cpu\",\"unit\":\"s\",\"value\":1,\"higher_is_better\":false}"
                + "," + IOPS.formatted("1") + ",42]}";
        Job job = w.run(server, JobKind.BENCHMARK, JobState.SUCCEEDED, details);

        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result()).isEqualTo(result(JobState.SUCCEEDED, details));
        List<BenchmarkRun> runs = w.benchmarks().forServer(server.id(), 10);
        assertThat(runs).hasSize(1);
        BenchmarkRun run = runs.getFirst();
        assertThat(run.jobId()).isEqualTo(job.id());
        assertThat(run.profile()).isEqualTo(BenchProfile.QUICK);
        assertThat(run.tier()).isEqualTo(Tier.STANDARD);
        assertThat(run.applicationId()).isEqualTo(server.applicationId());
        assertThat(run.measuredAt()).isEqualTo(job.finishedAt());
        assertThat(run.figures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FigureKind.DISK_RANDWRITE_IOPS);
            assertThat(f.value()).isEqualTo(95812.87);
        });
        Map<String, Object> audit = w.audit(job.id()).getLast();
        assertThat(audit.get("action")).isEqualTo("benchmark.figures_refused");
        assertThat((String) audit.get("details")).contains("\"accepted\":1").contains("\"refused\":5")
                .contains("unknown figure name \\\"disk_randwrite_iopz\\\"").contains("value is not a number")
                .contains("unit must be ms").contains("disk_randwrite_iops appears twice").contains("not an object");
    }

    @TestTemplate
    void failedBenchmarks_otherKinds_andDetailsWithoutProfile_recordNoFigures(Database database) {
        World w = world(database);
        Server server = new Fixtures(database).server();
        w.run(server, JobKind.BENCHMARK, JobState.FAILED, details("full", 1, 1));
        w.run(server, JobKind.OS_UPDATE, JobState.SUCCEEDED, details("full", 1, 1));
        Job noProfile = w.run(server, JobKind.BENCHMARK, JobState.SUCCEEDED, "{\"figures\":[" + IOPS.formatted(5) + "]}");
        Job notAList = w.run(server, JobKind.BENCHMARK, JobState.SUCCEEDED, "{\"profile\":\"full\",\"figures\":{}}");
        assertThat(w.benchmarks().forServer(server.id(), 10)).isEmpty();
        assertThat((String) w.audit(noProfile.id()).getLast().get("details")).contains("details.profile");
        assertThat((String) w.audit(notAList.id()).getLast().get("details")).contains("details.figures is not a list");
    }

    @TestTemplate
    void summary_usesEachServersLatestFullRun_perPackageAtMeasurement_quickNeverCounts(Database database) {
        World w = world(database);
        Fixtures fixtures = new Fixtures(database);
        Application application = fixtures.application();
        long customer = fixtures.customer().id();
        Server a = fixtures.server(customer, application.id());
        Server b = fixtures.server(customer, application.id());
        Server c = fixtures.server(customer, application.id());
        w.full(a, 100, 10);
        w.full(a, 200, 20);
        w.run(a, JobKind.BENCHMARK, JobState.SUCCEEDED, details("quick", 999_999, 1));
        w.full(b, 400, 40);
        w.full(c, 50, 5); // measured on standard, then upgraded: stays a standard figure
        database.jdbi().useHandle(h -> h.createUpdate("update server set tier = 'PLUS' where id = :id")
                .bind("id", c.id()).execute());
        Job cPlus = w.full(c, 7000, 700);

        List<PackageBenchmarks> mine = w.benchmarks().summary().stream()
                .filter(p -> p.applicationId() == application.id()).toList();
        assertThat(mine).extracting(PackageBenchmarks::tier).containsExactly(Tier.STANDARD, Tier.PLUS);
        PackageBenchmarks standard = mine.getFirst();
        assertThat(standard.servers()).isEqualTo(2);
        assertThat(standard.figure(FigureKind.DISK_RANDWRITE_IOPS).median()).isEqualTo(300.0);
        assertThat(standard.figure(FigureKind.DISK_RANDWRITE_IOPS).min()).isEqualTo(200.0);
        assertThat(standard.figure(FigureKind.CPU_EVENTS_PER_SECOND).max()).isEqualTo(40.0);
        PackageBenchmarks plus = mine.get(1);
        assertThat(plus.servers()).isEqualTo(1);
        assertThat(plus.figure(FigureKind.DISK_RANDWRITE_IOPS).median()).isEqualTo(7000.0);
        assertThat(plus.figure(FigureKind.DISK_RANDWRITE_IOPS).lastMeasured()).isEqualTo(cPlus.finishedAt());

        // The server's own list: newest first, both profiles, bounded.
        List<BenchmarkRun> runsOfA = w.benchmarks().forServer(a.id(), 2);
        assertThat(runsOfA).extracting(BenchmarkRun::profile).containsExactly(BenchProfile.QUICK, BenchProfile.FULL);
        assertThat(runsOfA.get(1).figures()).extracting(f -> f.value()).containsExactly(200.0, 20.0);
        assertThat(w.benchmarks().forServer(c.id(), 10)).extracting(BenchmarkRun::tier)
                .containsExactly(Tier.PLUS, Tier.STANDARD);
    }

    @TestTemplate
    void request_queuesABenchmarkJob_andAuditsIt(Database database) {
        BenchmarkRepository benchmarks = new BenchmarkRepository(database);
        Server server = new Fixtures(database).server();
        String id = benchmarks.request(Fixtures.OPERATOR, server.id(), BenchProfile.QUICK, "{\"profile\":\"quick\"}",
                Duration.ofMinutes(2));
        Job job = new JobRepository(database).find(id).orElseThrow();
        assertThat(job.kind()).isEqualTo(JobKind.BENCHMARK);
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.payload()).isEqualTo("{\"profile\":\"quick\"}");
        assertThat(job.expected()).isEqualTo(Duration.ofMinutes(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> benchmarks.request(Fixtures.OPERATOR, 999_999_999L,
                BenchProfile.FULL, "{}", Duration.ofMinutes(60))).isInstanceOf(UnknownEntityException.class);
    }
}
