package dev.steward.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.JobStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a benchmark job: {@code succeeded} when every test that was asked for ran
 * (a skipped network test, with no URL given, does not count against it), else {@code failed};
 * the figures of the tests that did succeed are in the details either way. There is nothing to
 * roll back.
 *
 * <p>Thread safety: immutable.
 *
 * @param status succeeded or failed
 * @param details serialised as the job result's {@code details}
 */
public record BenchmarkResult(JobStatus status, BenchmarkDetails details) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** The details as a JSON tree (the job result's {@code details}). */
    public ObjectNode detailsJson() {
        return JSON.valueToTree(details);
    }

    /** The details as indented JSON text. */
    public String detailsText() {
        return detailsJson().toPrettyString();
    }

    /** The figure named {@code name}, if a test produced it. */
    public Optional<Figure> figure(String name) {
        return details.figures().stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
