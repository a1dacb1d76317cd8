package dev.steward.agent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.app.AppRecipe;
import dev.steward.agent.app.AppRecipes;
import dev.steward.agent.app.ApplicationUpdateExecutor;
import dev.steward.agent.app.ApplicationUpdateJob;
import dev.steward.agent.app.ApplicationUpdateResult;
import dev.steward.agent.bench.BenchmarkExecutor;
import dev.steward.agent.bench.BenchmarkJob;
import dev.steward.agent.bench.BenchmarkProfile;
import dev.steward.agent.bench.BenchmarkResult;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateJob;
import dev.steward.agent.os.OsUpdateResult;
import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs one job as the job API delivered it and turns the executor's outcome into the body of
 * {@code POST /jobs/{id}/result}: {@code app_update} through the application's recipe
 * ({@link ApplicationUpdateExecutor}), {@code os_update} through apt ({@link AptOsUpdateExecutor}),
 * {@code benchmark} through fio and sysbench ({@link BenchmarkExecutor}; its {@code details} are
 * {@link dev.steward.agent.bench.BenchmarkDetails}, figures included). A job that cannot even be
 * started (no recipe, invalid recipes, a payload without the fields it needs) is a failed result
 * with the reason, never an exception.
 *
 * <p>Payload fields read: {@code application}, {@code version} and {@code window_end} (app
 * updates); {@code window_end} and the optional {@code reboot_allowed}, default true (OS updates);
 * the optional {@code profile} ({@code full}, the default, or {@code quick}), {@code target_dir},
 * {@code network_url} and {@code threads} (benchmarks, as {@link BenchmarkJob}).
 *
 * <p>Thread safety: one job at a time (the daemon's job thread).
 */
final class JobRunner {

    /** The job API accepts at most 20,000 characters of result JSON; we stay below with a margin. */
    static final int MAX_RESULT_CHARS = 18_000;

    private final Path recipesDirectory;
    private final Path appScratch;
    private final AptOsUpdateExecutor os;
    private final BenchmarkExecutor benchmarks;
    private final Clock clock;

    JobRunner(Path recipesDirectory, Path appScratch, AptOsUpdateExecutor os, BenchmarkExecutor benchmarks, Clock clock) {
        this(recipesDirectory, appScratch, os, benchmarks, clock, true);
    }

    /** @param osUpdates false: OS updates are off on this machine ({@code [agent] os_updates = "off"}) */
    JobRunner(Path recipesDirectory, Path appScratch, AptOsUpdateExecutor os, BenchmarkExecutor benchmarks, Clock clock,
              boolean osUpdates) {
        this.recipesDirectory = recipesDirectory;
        this.appScratch = appScratch;
        this.os = osUpdates ? os : null;
        this.benchmarks = benchmarks;
        this.clock = clock;
    }

    /**
     * Runs {@code job}.
     *
     * @return the result body; empty when the result is not final yet (an OS update rebooting the
     *     machine: the final result comes from {@link AptOsUpdateExecutor#resumeAfterReboot()})
     * @throws InterruptedException when the daemon stops during the job (the executor killed its command)
     */
    Optional<ObjectNode> run(JsonNode job) throws InterruptedException {
        String kind = job.path("kind").asText("");
        JsonNode payload = job.path("payload");
        return switch (kind) {
            case "app_update" -> Optional.of(appUpdate(payload));
            case "os_update" -> osUpdate(job.path("id").asText(), payload);
            case "benchmark" -> Optional.of(benchmark(job.path("id").asText(), payload));
            default -> Optional.of(failed("unknown job kind \"" + kind
                    + "\"; this agent runs app_update, os_update and benchmark"));
        };
    }

    private ObjectNode appUpdate(JsonNode payload) throws InterruptedException {
        String application = payload.path("application").asText("");
        String version = payload.path("version").asText("");
        if (application.isEmpty() || version.isEmpty()) {
            return failed("the job's payload lacks application or version");
        }
        Instant deadline;
        try {
            deadline = windowEnd(payload);
        } catch (DateTimeParseException bad) {
            return failed("the job's window_end is not an ISO instant: " + payload.path("window_end").asText());
        }
        AppRecipe recipe;
        try {
            Optional<AppRecipe> found = AppRecipes.load(recipesDirectory).find(application);
            if (found.isEmpty()) {
                return failed("no recipe for application \"" + application + "\": expected " + recipesDirectory
                        .resolve(application + ".toml"));
            }
            recipe = found.get();
        } catch (ConfigException invalid) {
            return failed("the recipes in " + recipesDirectory + " are invalid: " + invalid.problems().stream()
                    .map(ConfigProblem::message).collect(Collectors.joining("; ")));
        }
        try {
            Files.createDirectories(appScratch);
        } catch (IOException e) {
            return failed("cannot create " + appScratch + ": " + e.getMessage());
        }
        ApplicationUpdateResult result = new ApplicationUpdateExecutor(recipe, appScratch, clock)
                .run(new ApplicationUpdateJob(application, version, deadline));
        ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
        body.put("status", result.status().wire());
        body.put("duration_seconds", (long) Math.ceil(result.duration().toMillis() / 1000.0));
        if (result.healthyAtEnd() == null) {
            body.putNull("health");
        } else {
            body.putObject("health").put("ok", result.healthyAtEnd().booleanValue());
        }
        body.set("details", result.details());
        return bounded(body);
    }

    private ObjectNode benchmark(String jobId, JsonNode payload) {
        BenchmarkJob job;
        try {
            String profile = payload.path("profile").asText("");
            job = new BenchmarkJob(jobId, profile.isEmpty() ? BenchmarkProfile.FULL : BenchmarkProfile.of(profile),
                    payload.path("target_dir").asText(null), payload.path("network_url").asText(null),
                    payload.path("threads").asInt(0));
        } catch (IllegalArgumentException | NullPointerException bad) {
            return failed("the job's payload is not a benchmark: " + bad.getMessage());
        }
        BenchmarkResult result = benchmarks.run(job);
        ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
        body.put("status", result.status().wire());
        body.put("duration_seconds", (long) Math.ceil(result.details().durationSeconds()));
        body.putNull("health");
        body.set("details", result.detailsJson());
        return bounded(body);
    }

    private Optional<ObjectNode> osUpdate(String jobId, JsonNode payload) {
        if (os == null) {
            return Optional.of(failed("OS updates are off on this machine ([agent] os_updates = \"off\")"));
        }
        Instant windowEnd;
        try {
            windowEnd = windowEnd(payload);
        } catch (DateTimeParseException bad) {
            return Optional.of(failed("the job's window_end is not an ISO instant: " + payload.path("window_end").asText()));
        }
        if (windowEnd == null) {
            return Optional.of(failed("the job's payload lacks window_end: an OS update runs only inside a window"));
        }
        OsUpdateResult result = os.run(new OsUpdateJob(jobId, windowEnd, payload.path("reboot_allowed").asBoolean(true)));
        if (!result.complete()) {
            return Optional.empty();
        }
        return Optional.of(osResult(result));
    }

    /** The result body of an OS update (also for the one {@code resumeAfterReboot} returns). */
    static ObjectNode osResult(OsUpdateResult result) {
        ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
        body.put("status", result.status().wire());
        body.put("duration_seconds", (long) Math.ceil(result.details().durationSeconds()));
        body.putNull("health");
        try {
            body.set("details", ControlPlaneClient.JSON.readTree(AptOsUpdateExecutor.toJson(result.details())));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("the executor's own JSON does not parse", impossible);
        }
        return bounded(body);
    }

    private static Instant windowEnd(JsonNode payload) {
        JsonNode end = payload.path("window_end");
        return end.isTextual() ? Instant.parse(end.asText()) : null;
    }

    /** A failed result that ran nothing. */
    static ObjectNode failed(String reason) {
        ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
        body.put("status", "failed");
        body.put("duration_seconds", 0);
        body.putNull("health");
        body.putObject("details").put("started", false).put("reason", reason);
        return body;
    }

    /**
     * Keeps the result under the API's size limit: first every {@code *output_tail} is cut to its
     * end (a text to its last 1,000 characters, a list of lines to its last 20: a failed tool's
     * output must not push a benchmark's figures out), then, if still too long, the details are
     * replaced by their scalar top-level fields and {@code truncated: true}.
     */
    static ObjectNode bounded(ObjectNode body) {
        if (body.toString().length() <= MAX_RESULT_CHARS) {
            return body;
        }
        shortenTails(body);
        if (body.toString().length() <= MAX_RESULT_CHARS) {
            return body;
        }
        ObjectNode details = (ObjectNode) body.path("details");
        ObjectNode small = ControlPlaneClient.JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : details.properties()) {
            if (field.getValue().isValueNode() && field.getValue().asText().length() <= 500) {
                small.set(field.getKey(), field.getValue());
            }
        }
        small.put("truncated", true);
        body.set("details", small);
        return body;
    }

    private static void shortenTails(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            if (node.isArray()) {
                node.forEach(JobRunner::shortenTails);
            }
            return;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            boolean tail = field.getKey().endsWith("output_tail");
            if (tail && value.isTextual() && value.asText().length() > 1000) {
                String text = value.asText();
                field.setValue(ControlPlaneClient.JSON.getNodeFactory().textNode("…" + text.substring(text.length() - 1000)));
            } else if (tail && value.isArray() && value.size() > 20) {
                ArrayNode kept = ControlPlaneClient.JSON.createArrayNode();
                for (int i = value.size() - 20; i < value.size(); i++) {
                    kept.add(value.get(i));
                }
                field.setValue(kept);
            } else if (value.isContainerNode()) {
                shortenTails(value);
            }
        }
    }
}
