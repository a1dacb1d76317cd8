package dev.steward.control.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.bench.BenchmarkFigure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The figures of a BENCHMARK job's {@code details} object (the agent's {@code BenchmarkDetails}:
 * {@code profile} and {@code figures}), checked one by one: a figure that is not an object, has an
 * unknown name, the wrong unit, test or direction, a value that is not a finite number in range, or
 * repeats a name is refused with its reason; the others are accepted. Without a valid
 * {@code profile}, or with more than {@value #MAX_FIGURES} figures, nothing is accepted.
 *
 * <p>Thread safety: immutable.
 *
 * @param profile the run's profile; null when the details had none (then {@code accepted} is empty)
 * @param accepted the valid figures, in the reported order
 * @param refused why each refused figure (or the whole report) was refused, in words
 */
public record ReportedFigures(BenchProfile profile, List<BenchmarkFigure> accepted, List<String> refused) {

    /** More than the agent can report (27 kinds), with room to spare. */
    public static final int MAX_FIGURES = 64;

    public ReportedFigures {
        accepted = List.copyOf(accepted);
        refused = List.copyOf(refused);
    }

    /** Reads {@code details} (null or missing: nothing accepted, one reason). */
    public static ReportedFigures of(JsonNode details) {
        if (details == null || !details.isObject()) {
            return new ReportedFigures(null, List.of(), List.of("details is not a JSON object"));
        }
        JsonNode profileNode = details.path("profile");
        BenchProfile profile;
        try {
            profile = BenchProfile.fromCode(profileNode.isTextual() ? profileNode.asText() : null);
        } catch (IllegalArgumentException e) {
            return new ReportedFigures(null, List.of(), List.of("details.profile: " + e.getMessage()));
        }
        JsonNode figures = details.path("figures");
        if (!figures.isArray()) {
            return new ReportedFigures(profile, List.of(), List.of("details.figures is not a list"));
        }
        if (figures.size() > MAX_FIGURES) {
            return new ReportedFigures(profile, List.of(), List.of("details.figures has " + figures.size()
                    + " entries, at most " + MAX_FIGURES));
        }
        List<BenchmarkFigure> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < figures.size(); i++) {
            JsonNode figure = figures.get(i);
            String where = "figures[" + i + "]: ";
            if (!figure.isObject()) {
                refused.add(where + "not an object");
                continue;
            }
            JsonNode value = figure.path("value");
            JsonNode higher = figure.path("higher_is_better");
            if (!value.isNumber()) {
                refused.add(where + "value is not a number");
                continue;
            }
            if (!higher.isBoolean()) {
                refused.add(where + "higher_is_better is not true or false");
                continue;
            }
            try {
                BenchmarkFigure parsed = new BenchmarkFigure(text(figure, "name"), text(figure, "test"),
                        text(figure, "unit"), value.doubleValue(), higher.booleanValue());
                if (!seen.add(parsed.name())) {
                    refused.add(where + parsed.name() + " appears twice");
                    continue;
                }
                accepted.add(parsed);
            } catch (IllegalArgumentException | NullPointerException e) {
                refused.add(where + e.getMessage());
            }
        }
        return new ReportedFigures(profile, accepted, refused);
    }

    private static String text(JsonNode figure, String field) {
        JsonNode node = figure.path(field);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return node.asText();
    }
}
