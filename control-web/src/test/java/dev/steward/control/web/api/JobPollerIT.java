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
import java.util.ArrayList;
import java.util.List;
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
            JobPoller poller = new JobPoller(jobs, Duration.ofMillis(50));
            try {
                CompletableFuture<Optional<Job>> waiting = poller.next(agent, server.id(), Duration.ofSeconds(20));
                assertThat(waiting).isNotDone();
                String id = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null,
                        "{}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(1)));
                assertThat(waiting.get(10, TimeUnit.SECONDS).orElseThrow().id()).isEqualTo(id);

                assertThat(poller.waitingCount()).as("the answered poll no longer waits").isZero();
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

    @TestTemplate
    void manyWaitingPolls_onlyTheServerWithAJobGetsIt_theOthersEndAtTheirDeadline(Database database) throws Exception {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            long application = api.application().id();
            List<Server> servers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                servers.add(api.server(customer.id(), application));
            }
            AgentJobRepository jobs = new AgentJobRepository(database, JobOutcomeListener.NONE, Clock.systemUTC(),
                    Duration.ofMinutes(5));
            JobPoller poller = new JobPoller(jobs, Duration.ofMillis(50));
            try {
                List<CompletableFuture<Optional<Job>>> polls = new ArrayList<>();
                for (Server server : servers) {
                    polls.add(poller.next(Actor.agent(server.name().toString()), server.id(), Duration.ofSeconds(30)));
                }
                // A short poll of the first server, waiting beside the long ones: ends empty at its deadline.
                long before = System.nanoTime();
                CompletableFuture<Optional<Job>> shortPoll = poller.next(Actor.agent(servers.get(0).name().toString()),
                        servers.get(0).id(), Duration.ofSeconds(1));
                assertThat(shortPoll.get(10, TimeUnit.SECONDS)).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                awaitWaiting(poller, 5);

                Server chosen = servers.get(3);
                String id = new JobRepository(database).enqueue(new JobSpec(chosen.id(), JobKind.BENCHMARK, null, null,
                        "{}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(1)));
                assertThat(polls.get(3).get(10, TimeUnit.SECONDS).orElseThrow().id()).isEqualTo(id);
                // Several ticks later the others still wait: their servers have nothing due.
                long ticks = poller.ticks();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (poller.ticks() < ticks + 3 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertThat(poller.ticks()).isGreaterThanOrEqualTo(ticks + 3);
                for (int i = 0; i < polls.size(); i++) {
                    if (i != 3) {
                        assertThat(polls.get(i)).as("poll of server %d", i).isNotDone();
                    }
                }
                assertThat(poller.waitingCount()).isEqualTo(4);
            } finally {
                poller.close();
            }
        }
    }

    @TestTemplate
    void aJobAlreadyDue_isHandedOutAtTheNextTick_andWaitZeroLooksAtOnce(Database database) throws Exception {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            AgentJobRepository jobs = new AgentJobRepository(database, JobOutcomeListener.NONE, Clock.systemUTC(),
                    Duration.ofMinutes(5));
            String id = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null,
                    "{}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(1)));
            String second = new JobRepository(database).enqueue(new JobSpec(server.id(), JobKind.BENCHMARK, null, null,
                    "{}", Instant.now().minusSeconds(1), null, Duration.ofMinutes(1)));
            Actor agent = Actor.agent(server.name().toString());
            // A tick far away: wait=0 looks at once, a poll with a wait waits for the tick.
            JobPoller slow = new JobPoller(jobs, Duration.ofMinutes(10));
            try {
                assertThat(slow.next(agent, server.id(), Duration.ZERO).get(10, TimeUnit.SECONDS).orElseThrow().id())
                        .isEqualTo(id);
                CompletableFuture<Optional<Job>> waiting = slow.next(agent, server.id(), Duration.ofSeconds(30));
                awaitWaiting(slow, 1);
                assertThat(waiting).isNotDone();
            } finally {
                slow.close();
            }
            JobPoller poller = new JobPoller(jobs, Duration.ofMillis(50));
            try {
                assertThat(poller.next(agent, server.id(), Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS)
                        .orElseThrow().id()).isEqualTo(second);
            } finally {
                poller.close();
            }
        }
    }

    private static void awaitWaiting(JobPoller poller, int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (poller.waitingCount() != count && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(poller.waitingCount()).isEqualTo(count);
    }
}
