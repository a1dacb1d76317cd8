package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.AgentJobRepository;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobRepository;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The benchmark parts of the pages: the public specifications page (aggregates per package with
 * the SVG chart, medians of an even count, quick runs left out, no server names), a server's own
 * runs on its package page (quick labelled, in Dutch), and the operator's request form.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class BenchmarkPagesIT {

    /** Runs a benchmark job of {@code server} through the job API's repository with these figures. */
    static String run(Database database, Server server, String profile, double randwriteIops, double cpu) {
        String id = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null,
                "{\"profile\":\"" + profile + "\"}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(5)));
        AgentJobRepository jobs = new AgentJobRepository(database, BenchmarkRepository.LISTENER, Clock.systemUTC(),
                Duration.ofMinutes(5));
        Actor agent = Actor.agent(server.name().toString());
        Job delivered = jobs.deliverNext(agent, server.id()).orElseThrow();
        assertThat(delivered.id()).isEqualTo(id);
        String result = "{\"details\":{\"profile\":\"" + profile + "\",\"figures\":["
                + "{\"name\":\"disk_randwrite_iops\",\"test\":\"disk_randwrite\",\"unit\":\"IOPS\",\"value\":" + randwriteIops
                + ",\"higher_is_better\":true},"
                + "{\"name\":\"cpu_events_per_second\",\"test\":\"cpu\",\"unit\":\"events/s\",\"value\":" + cpu
                + ",\"higher_is_better\":true}]},\"duration_seconds\":1,\"health\":null,\"status\":\"succeeded\"}";
        jobs.finish(agent, server.id(), id, JobState.SUCCEEDED, result);
        return id;
    }

    @TestTemplate
    void specificationsPage_publishesMediansPerPackage_withChart_andNoServerNames(Database database) throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.NL);
            Application application = ui.application();
            Server a = ui.server(customer.id(), application.id());
            Server b = ui.server(customer.id(), application.id());
            Server plus = ui.server(customer.id(), application.id());
            database.jdbi().useHandle(h -> h.createUpdate("update server set tier = 'PLUS' where id = :id")
                    .bind("id", plus.id()).execute());
            run(database, a, "full", 1000, 500);
            run(database, b, "full", 2000, 700);
            run(database, b, "quick", 999_999, 1); // newer, but quick: not published
            run(database, plus, "full", 4000, 1500);

            TestUi.Browser anonymous = ui.browser();
            TestUi.Page english = anonymous.get("/specifications");
            assertThat(english.status()).isEqualTo(200);
            String section = english.body().substring(english.body().indexOf("id=\"bench-" + application.slug() + "\""));
            // Standard: two servers, median of 1000 and 2000 = 1,500; plus: 4,000.
            assertThat(section).contains("id=\"bench-" + application.slug() + "-standard\"")
                    .contains(application.name() + " – Standard: 2 server(s)")
                    .contains("<td>Disk random write</td><td>1,500</td><td>1,000 – 2,000</td><td>1,100 – 1,900</td>")
                    .contains("<td>CPU speed</td><td>600</td><td>500 – 700</td>")
                    .contains(application.name() + " – Plus: 1 server(s)")
                    .contains("<td>Disk random write</td><td>4,000</td><td>4,000 – 4,000</td>")
                    .doesNotContain("999,999");
            // The chart: per key figure a bar per package, scaled to the larger median (standard 150 px first, plus 400 px).
            assertThat(section).contains("role=\"img\"")
                    .contains("<rect class=\"bench-bar bench-bar-standard\" x=\"90\" y=\"22\" width=\"150\"")
                    .contains("<rect class=\"bench-bar bench-bar-plus\" x=\"90\" y=\"42\" width=\"400\"")
                    .contains("<title>Plus: Disk random write 4,000 IOPS</title>");
            for (Server server : new Server[] {a, b, plus}) {
                assertThat(english.body()).doesNotContain(server.name().toString()).doesNotContain(server.appHost());
            }
            assertThat(english.body()).doesNotContain(customer.name());

            anonymous.headers.put("Accept-Language", "nl-BE,nl;q=0.9");
            String dutch = anonymous.get("/specifications").body();
            assertThat(dutch).contains("Mediaan").contains("<td>Schijf willekeurig schrijven</td><td>1.500</td>");

            // The customer's package page: the latest run (the quick one, labelled) and the history.
            TestUi.Browser owner = ui.loggedIn(ui.customerAccount(customer.id()));
            String page = owner.get("/servers/" + b.id() + "/package").body();
            assertThat(page).contains("id=\"bench-latest\"").contains("snel (kleine bestanden, niet gepubliceerd)")
                    .contains("<td>Schijf willekeurig schrijven</td><td>999.999</td><td>IOPS</td>");
            assertThat(page.substring(page.indexOf("id=\"bench-history\""))).contains("volledig, 2 cijfers");
            // Another customer does not see it.
            TestUi.Browser stranger = ui.loggedIn(ui.customerAccount(ui.customer(Language.EN).id()));
            assertThat(stranger.get("/servers/" + b.id() + "/package").status()).isEqualTo(404);
        }
    }

    @TestTemplate
    void operatorRequestsABenchmark_fromTheHistoryPage(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Server server = ui.server(ui.customer(Language.EN).id(), ui.application().id());
            TestUi.Browser operator = ui.loggedIn(ui.operator());
            assertThat(operator.get("/operator/servers/" + server.id() + "/history").body()).contains("id=\"bench-request\"");
            TestUi.Page posted = operator.post("/operator/servers/" + server.id() + "/benchmarks", Map.of("profile", "quick"));
            assertThat(posted.status()).isEqualTo(303);
            String job = posted.location().substring(posted.location().indexOf("benchmark=") + "benchmark=".length());
            Job queued = new JobRepository(database).find(job).orElseThrow();
            assertThat(queued.kind()).isEqualTo(JobKind.BENCHMARK);
            assertThat(queued.state()).isEqualTo(JobState.QUEUED);
            assertThat(queued.payload()).contains("\"profile\":\"quick\"")
                    .contains("\"network_url\":\"http://127.0.0.1:" + ui.server.port() + "/api/agent/v1/bench-download/"
                            + server.id() + "/");
            assertThat(operator.get(posted.location()).body()).contains("id=\"bench-requested\"").contains(job);
            assertThat(operator.post("/operator/servers/" + server.id() + "/benchmarks", Map.of("profile", "huge")).status())
                    .isEqualTo(400);
        }
    }
}
