package dev.steward.control.web.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.web.api.ScriptedAgent;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A scripted agent that knows both control-plane instances: it talks to one ({@link ScriptedAgent}
 * with its credential, one per instance) and, when that one does not answer or answers 5xx (killed,
 * or its database restarting), retries the same request on the other, as a real agent configured
 * with two URLs would. It long polls for jobs and runs each: "started" (retried until answered),
 * the work (a pause of the scripted length), the result (retried until answered; the identical
 * result again is acknowledged, so a retry after a lost answer is safe).
 *
 * <p>It records every job it executed (counted per job id: a second execution of one job is a
 * duplicate), every result the control plane accepted, starts it refused, and its failovers.
 *
 * <p>Thread safety: {@link #run} runs on one thread; the records are thread-safe.
 */
final class FailoverAgent {

    /** A job's work: how long it takes and what it reports. */
    record Work(long millis, ScriptedAgent.Outcome outcome) {
    }

    /** A result the control plane accepted, and when (System.nanoTime). */
    record Accepted(long serverId, String jobId, long atNanos) {
    }

    private final long serverId;
    private final ScriptedAgent[] endpoints;
    private final BiFunction<Long, JsonNode, Work> script;
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Set<String> refusedStarts = ConcurrentHashMap.newKeySet();
    private final List<String> refusedResults = new CopyOnWriteArrayList<>();
    private final List<Accepted> sink;
    private final Runnable onAccepted;
    private final AtomicInteger failovers = new AtomicInteger();
    private final int home;
    private volatile int current;
    private volatile boolean stopping;

    /**
     * @param sink where every accepted result is added (shared by all agents)
     * @param onAccepted called after each accepted result (the test's signal)
     */
    FailoverAgent(long serverId, String credential, List<URI> bases, int first, BiFunction<Long, JsonNode, Work> script,
                  List<Accepted> sink, Runnable onAccepted) {
        this.serverId = serverId;
        this.endpoints = bases.stream().map(base -> ScriptedAgent.withCredential(base, serverId, credential))
                .toArray(ScriptedAgent[]::new);
        this.home = first;
        this.current = first;
        this.script = script;
        this.sink = sink;
        this.onAccepted = onAccepted;
    }

    long serverId() {
        return serverId;
    }

    /** Executions per job id. */
    Map<String, Integer> executions() {
        Map<String, Integer> copy = new ConcurrentHashMap<>();
        executions.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    Set<String> refusedStarts() {
        return Set.copyOf(refusedStarts);
    }

    List<String> refusedResults() {
        return List.copyOf(refusedResults);
    }

    int failovers() {
        return failovers.get();
    }

    /** Talks to its first instance again (after that one was restarted). */
    void returnHome() {
        current = home;
    }

    void stop() {
        stopping = true;
    }

    /** Polls and runs jobs until {@link #stop()} or the deadline (System.nanoTime). */
    void run(long deadlineNanos) {
        while (!stopping && System.nanoTime() < deadlineNanos) {
            ScriptedAgent.Reply reply = send("GET", "/api/agent/v1/jobs/next?wait=2", null, deadlineNanos);
            if (reply != null && reply.status() == 200) {
                execute(reply.json(), deadlineNanos);
            }
        }
    }

    private void execute(JsonNode job, long deadlineNanos) {
        String id = job.get("id").asText();
        ScriptedAgent.Reply started = send("POST", "/api/agent/v1/jobs/" + id + "/progress",
                Map.of("started", true, "message", "started"), deadlineNanos);
        if (started == null) {
            return; // the deadline passed
        }
        if (started.status() != 200) {
            refusedStarts.add(id + " " + started.status() + " " + started.json());
            return;
        }
        executions.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
        Work work = script.apply(serverId, job);
        ControlProcess.pause(work.millis());
        ScriptedAgent.Reply result = null;
        while (result == null && System.nanoTime() < deadlineNanos) {
            result = send("POST", "/api/agent/v1/jobs/" + id + "/result", resultBody(work.outcome()), deadlineNanos);
        }
        if (result == null) {
            return;
        }
        if (result.status() == 200) {
            sink.add(new Accepted(serverId, id, System.nanoTime()));
            onAccepted.run();
        } else {
            refusedResults.add(id + " " + result.status() + " " + result.json());
        }
    }

    private static Map<String, Object> resultBody(ScriptedAgent.Outcome outcome) {
        return Map.of("status", outcome.status(), "duration_seconds", outcome.durationSeconds(),
                "health", Map.of("ok", outcome.healthOk()), "details", outcome.details());
    }

    /**
     * One request; on no answer or a 5xx, the other instance, until an answer below 500 or the
     * deadline (then null). Each failover pauses 100 ms (bounded by the deadline).
     */
    private ScriptedAgent.Reply send(String method, String path, Object body, long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) {
            ScriptedAgent endpoint = endpoints[current];
            try {
                ScriptedAgent.Reply reply = endpoint.send(method, path, body);
                if (reply.status() < 500) {
                    return reply;
                }
            } catch (UncheckedIOException | IllegalStateException unreachable) {
                // refused, reset or timed out: the instance is gone
            }
            current = (current + 1) % endpoints.length;
            failovers.incrementAndGet();
            ControlProcess.pause(100);
        }
        return null;
    }
}
