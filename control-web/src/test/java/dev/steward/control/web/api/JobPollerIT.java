package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.store.AgentJobRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobOutcomeListener;
import dev.steward.control.store.JobRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class JobPollerIT {

    @TestTemplate
    void jobQueuedDuringTheWait_isDelivered_closeAnswersWaitingPollsAtOnce(Database database) throws Exception {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            Actor agent = Actor.agent(server.name().toString());
            AgentJobRepository jobs = new AgentJobRepository(database, JobOutcomeListener.NONE, Clock.systemUTC(),
                    Duration.ofMinutes(5));
            JobPoller poller = new JobPoller(jobs, Duration.ofMillis(50), Duration.ofMillis(400));
            try {
                CompletableFuture<Optional<Job>> waiting = poller.next(agent, server.id(), Duration.ofSeconds(20));
                assertThat(waiting).isNotDone();
                String id = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null,
                        "{}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(1)));
                assertThat(waiting.get(10, TimeUnit.SECONDS).orElseThrow().id()).isEqualTo(id);

                assertThat(poller.next(agent, server.id(), Duration.ZERO).get(10, TimeUnit.SECONDS))
                        .as("wait 0: one look, nothing").isEmpty();
                CompletableFuture<Optional<Job>> stopped = poller.next(agent, server.id(), Duration.ofSeconds(30));
                long before = System.nanoTime();
                poller.close();
                assertThat(stopped.get(5, TimeUnit.SECONDS)).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
                assertThat(poller.next(agent, server.id(), Duration.ofSeconds(30)).getNow(null))
                        .as("closed: answered at once").isEmpty();
            } finally {
                poller.close();
            }
        }
    }
}
