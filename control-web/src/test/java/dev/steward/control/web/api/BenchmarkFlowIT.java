package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.api.TestApi.Auth;
import dev.steward.control.web.api.TestApi.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC-2 end to end: an operator requests benchmarks, a scripted agent takes the jobs, downloads
 * the network test's body from the URL in the job and reports a result whose {@code details} is a
 * real {@code BenchmarkDetails} (captured from {@code bin/steward bench --quick --json} on Debian
 * 12: fio 3.33, sysbench 1.0.20, a 64 MiB loopback download); the figures then appear on the
 * server's API and page and, for full runs only, aggregated on the public specifications page and
 * summary, without any server, customer or address.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(180)
class BenchmarkFlowIT {

    private static final String DETAILS = "/dev/steward/control/web/api/benchmark-details-quick.json";

    /** The captured details, with {@code profile} set to {@code profile} (a real full run takes an hour). */
    static Map<String, Object> details(String profile) {
        try (InputStream in = BenchmarkFlowIT.class.getResourceAsStream(DETAILS)) {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(in);
            node.put("profile", profile);
            return Json.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static double figure(Map<String, Object> details, String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> figures = (List<Map<String, Object>>) details.get("figures");
        return figures.stream().filter(f -> f.get("name").equals(name)).map(f -> ((Number) f.get("value")).doubleValue())
                .findFirst().orElseThrow();
    }

    @TestTemplate
    void operatorRequests_agentDownloadsAndReports_figuresPublishedPerPackage_quickOnlyOnTheServer(Database database)
            throws Exception {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Application application = api.application();
            Server server = api.server(customer.id(), application.id());
            Auth operator = Auth.bearer(api.token(api.operator()));
            Auth own = Auth.bearer(api.token(api.customerAccount(customer.id())));
            Auth other = Auth.bearer(api.token(api.customerAccount(api.customer().id())));
            Reply enrol = api.send("POST", "/api/v1/servers/" + server.id() + "/enrolment-tokens", null, operator);
            ScriptedAgent agent = ScriptedAgent.enrol(api.base(), enrol.json().get("token").asText());

            // Nothing published yet.
            assertThat(page(api, "/specifications")).contains("id=\"bench-none\"");

            // A quick run: the agent downloads the 64 MiB body from the job's URL while the job runs.
            Reply quick = api.send("POST", "/api/v1/servers/" + server.id() + "/benchmarks", Map.of("profile", "quick"),
                    operator);
            assertThat(quick.status()).as(String.valueOf(quick.json())).isEqualTo(201);
            String quickJob = quick.json().get("job_id").asText();
            assertThat(quick.json().get("expected_seconds").asInt()).isEqualTo(120);
            List<Long> downloaded = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            Map<String, Object> quickDetails = details("quick");
            agent.on(job -> job.path("kind").asText().equals("benchmark"), job -> {
                String url = job.at("/payload/network_url").asText();
                urls.add(url);
                if (job.at("/payload/profile").asText().equals("quick")) {
                    downloaded.add(download(url));
                    return ScriptedAgent.Outcome.succeeded(quickDetails);
                }
                return ScriptedAgent.Outcome.succeeded(details("full"));
            });
            assertThat(agent.runNext(0)).isPresent();
            assertThat(downloaded).containsExactly(64L << 20);
            assertThat(urls.getFirst()).startsWith(api.base() + "/api/agent/v1/bench-download/" + server.id() + "/");
            // The job is finished: its URL is worth nothing now.
            assertThat(status(urls.getFirst())).isEqualTo(404);

            Reply runs = api.send("GET", "/api/v1/servers/" + server.id() + "/benchmarks", null, own);
            assertThat(runs.status()).isEqualTo(200);
            assertThat(runs.json().get("items")).hasSize(1);
            JsonNode run = runs.json().get("items").get(0);
            assertThat(run.get("job_id").asText()).isEqualTo(quickJob);
            assertThat(run.get("profile").asText()).isEqualTo("quick");
            assertThat(run.get("tier").asText()).isEqualTo("standard");
            assertThat(run.get("figures")).hasSize(21);
            assertThat(run.get("figures").get(0).get("name").asText()).isEqualTo("disk_randwrite_iops");
            assertThat(run.get("figures").get(0).get("value").asDouble())
                    .isEqualTo(figure(quickDetails, "disk_randwrite_iops"));
            // Tenant isolation: another customer's token sees no such server.
            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/benchmarks", null, other).status())
                    .isEqualTo(404);
            // A quick run is not published.
            assertThat(api.send("GET", "/api/v1/benchmarks/summary", null, Auth.NONE).json().get("items")).isEmpty();
            assertThat(page(api, "/specifications")).contains("id=\"bench-none\"");

            // A full run is.
            Reply full = api.send("POST", "/api/v1/servers/" + server.id() + "/benchmarks", null, operator);
            assertThat(full.status()).isEqualTo(201);
            assertThat(full.json().get("profile").asText()).isEqualTo("full");
            assertThat(agent.runNext(0)).isPresent();
            Map<String, Object> fullDetails = details("full");

            JsonNode summary = api.send("GET", "/api/v1/benchmarks/summary", null, Auth.NONE).json();
            assertThat(summary.get("profile").asText()).isEqualTo("full");
            JsonNode item = null;
            for (JsonNode candidate : summary.get("items")) {
                if (candidate.at("/application/slug").asText().equals(application.slug())) {
                    item = candidate;
                }
            }
            assertThat(item).isNotNull();
            assertThat(item.get("tier").asText()).isEqualTo("standard");
            assertThat(item.get("servers").asInt()).isEqualTo(1);
            JsonNode iops = item.get("figures").get(0);
            assertThat(iops.get("name").asText()).isEqualTo("disk_randwrite_iops");
            assertThat(iops.get("median").asDouble()).isEqualTo(figure(fullDetails, "disk_randwrite_iops"));
            assertThat(iops.get("min").asDouble()).isEqualTo(iops.get("max").asDouble());
            assertThat(summary.toString()).doesNotContain(server.name().toString()).doesNotContain(server.appHost())
                    .doesNotContain(customer.name());

            // The public page: the section, the chart (accessible) and the table, in English.
            String page = page(api, "/specifications");
            String section = page.substring(page.indexOf("id=\"bench-" + application.slug() + "\""));
            assertThat(section).contains("<svg class=\"bench-chart\"").contains("role=\"img\"")
                    .contains("<title id=\"bench-chart-" + application.slug() + "-title\">Benchmarks of "
                            + application.name())
                    .contains("<desc id=").contains("class=\"bench-bar bench-bar-standard\"")
                    .contains("id=\"bench-" + application.slug() + "-standard\"")
                    .contains(String.format(java.util.Locale.ENGLISH, "%,d",
                            Math.round(figure(fullDetails, "disk_randwrite_iops"))))
                    .contains("Disk random write").contains("CPU speed").contains("Network download");
            assertThat(page).doesNotContain(server.name().toString()).doesNotContain(server.appHost())
                    .doesNotContain(customer.name());
        }
    }

    /** A page's HTML, anonymously. */
    static String page(TestApi api, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(api.base() + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Downloads {@code url} to the end; returns the byte count (the agent's network test, without timing). */
    static long download(String url) {
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            long total = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = response.body()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                }
            }
            return total;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static int status(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
