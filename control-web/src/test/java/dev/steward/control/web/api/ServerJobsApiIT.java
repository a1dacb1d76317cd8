package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobRepository;
import dev.steward.control.store.WindowOccurrenceRepository;
import dev.steward.control.web.api.TestApi.Auth;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /api/v1/servers/{id}/jobs}: a customer reads their server's jobs with the results' readable parts. */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class ServerJobsApiIT {

    @TestTemplate
    void jobs_withWindowSummaryAndRawResult_newestFirst(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            String token = api.token(api.customerAccount(customer.id()));
            WindowOccurrence os = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                    .next(WindowKind.OS, Instant.parse("2030-06-01T00:00:00Z"), 1).getFirst();
            long window = new WindowOccurrenceRepository(database).idOf(os);
            JobRepository jobs = new JobRepository(database);
            String done = jobs.enqueue(new JobSpec(server.id(), JobKind.OS_UPDATE, null, window, "{}",
                    os.start().toInstant(), os.end().toInstant().minusSeconds(1800), Duration.ofMinutes(30)));
            database.jdbi().useHandle(handle -> handle.createUpdate("""
                            update job set state = 'SUCCEEDED', finished_at = :end, created_at = :created, result = :result
                            where id = :id
                            """)
                    .bind("end", os.start().toInstant().plusSeconds(600))
                    .bind("created", Instant.parse("2020-01-06T04:00:00Z"))
                    .bind("result", "{\"packages_upgraded\":4,\"reboot\":false,\"downtime_seconds\":0}")
                    .bind("id", done).execute());
            String queued = jobs.enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null, "{}",
                    Instant.parse("2030-06-10T00:00:00Z"), null, Duration.ofMinutes(5)));

            TestApi.Reply reply = api.send("GET", "/api/v1/servers/" + server.id() + "/jobs", null, Auth.bearer(token));
            assertThat(reply.status()).isEqualTo(200);
            JsonNode items = reply.json().get("items");
            assertThat(items).hasSize(2);
            assertThat(items.get(0).get("id").asText()).isEqualTo(queued);
            assertThat(items.get(0).get("kind").asText()).isEqualTo("benchmark");
            assertThat(items.get(0).get("window").isNull()).isTrue();
            assertThat(items.get(0).get("result").isNull()).isTrue();
            JsonNode os1 = items.get(1);
            assertThat(os1.get("id").asText()).isEqualTo(done);
            assertThat(os1.get("kind").asText()).isEqualTo("os_update");
            assertThat(os1.get("state").asText()).isEqualTo("succeeded");
            assertThat(os1.get("window").get("kind").asText()).isEqualTo("os");
            assertThat(os1.get("window").get("starts_at").asText()).isEqualTo(os.start().toInstant().toString());
            assertThat(os1.get("window").get("zone").asText()).isEqualTo("Europe/Brussels");
            assertThat(os1.get("latest_start").asText()).isEqualTo(os.end().toInstant().minusSeconds(1800).toString());
            assertThat(os1.get("summary").get("packages_upgraded").asInt()).isEqualTo(4);
            assertThat(os1.get("summary").get("reboot").asBoolean()).isFalse();
            assertThat(os1.get("summary").get("downtime_seconds").asInt()).isZero();
            assertThat(os1.get("summary").get("rolled_back").isNull()).isTrue();
            assertThat(os1.get("result").get("packages_upgraded").asInt()).isEqualTo(4);

            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/jobs?limit=1", null, Auth.bearer(token))
                    .json().get("items")).hasSize(1);
            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/jobs?limit=0", null, Auth.bearer(token))
                    .status()).isEqualTo(400);
        }
    }
}
